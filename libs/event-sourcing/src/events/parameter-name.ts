/**
 * The name of a constructor's parameter, read from its source (`readonly listId: string`
 * → `listId`): what a decorator on a constructor parameter marks. @internal
 */
export function parameterName(cls: object, index: number): string | undefined {
  const source = Function.prototype.toString.call(cls);
  const open = source.indexOf('constructor(');
  if (open < 0) return undefined;
  const list = source.slice(open + 'constructor('.length, source.indexOf(')', open));
  const names = list.split(',').map((p) => /([A-Za-z_$][\w$]*)\s*(?:=|$)/.exec(p.trim())?.[1]);
  return names[index];
}
