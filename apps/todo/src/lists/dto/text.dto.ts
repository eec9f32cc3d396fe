import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

/** A title or an item's text: 1 to 200 characters, not all blank. */
function ShortText(example: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ minLength: 1, maxLength: 200, example }),
    IsString(),
    Length(1, 200),
    Matches(/\S/, { message: '$property must not be blank' }),
  );
}

/** The body of `POST /lists` and `PATCH /lists/:id`. */
export class ListTitleDto {
  @ShortText('Groceries')
  title!: string;
}

/** The body of `POST /lists/:id/items`. */
export class ItemTextDto {
  @ShortText('Milk')
  text!: string;
}
