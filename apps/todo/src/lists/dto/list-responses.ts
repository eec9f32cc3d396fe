import { ApiProperty } from '@nestjs/swagger';

/** What a command on a list answers (documentation of the response). */
export class ListStateResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'The version of the list; also its ETag.', example: 3 })
  version!: number;

  @ApiProperty({
    description: 'Global position of the last event written, as a string; null when nothing changed.',
    example: '1042',
    nullable: true,
    type: String,
  })
  position!: string | null;
}

/** What `POST /lists/:id/items` answers. */
export class ItemAddedResponse extends ListStateResponse {
  @ApiProperty({ format: 'uuid' })
  itemId!: string;
}
