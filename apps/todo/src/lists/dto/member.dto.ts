import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches } from 'class-validator';
import type { MemberRole } from '../list-access';

/** The body of `POST /lists/:id/members`. */
export class MemberDto {
  @ApiProperty({ description: "The user's id: the `sub` of their tokens.", example: 'bob', maxLength: 200 })
  @IsString()
  @Matches(/^[A-Za-z0-9._@:|-]{1,200}$/, {
    message: '$property must be 1 to 200 letters, digits or . _ @ : | -',
  })
  userId!: string;

  @ApiProperty({
    enum: ['viewer', 'editor'],
    description: 'A viewer reads the list; an editor also changes its items.',
  })
  @IsIn(['viewer', 'editor'])
  role!: MemberRole;
}
