/** The permission type of todo lists: the aggregate's stream type. */
export const LIST = 'todolist';

/** What a member of a list may be: a viewer reads it; an editor also changes its items. */
export type MemberRole = 'viewer' | 'editor';

/** The roles members hold, by the actions they allow (the creator holds `*`: everything). */
export const LIST_ROLES: Readonly<Record<MemberRole, readonly ListAction[]>> = {
  viewer: ['view'],
  editor: ['view', 'edit'],
};

/**
 * What one may do to a list: `view` it, `edit` its items (add, complete, reopen,
 * remove), `manage` it (rename, archive, restore, members): only its creator, who holds `*`.
 */
export type ListAction = 'view' | 'edit' | 'manage';
