/** A named statement: `pg` prepares it once per connection. @internal */
export interface Statement {
  name: string;
  text: string;
}
