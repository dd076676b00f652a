// Paths inside a shared folder: POSIX strings with a leading slash ("/notes/todo.txt").

export interface Crumb {
  name: string
  dir: string
}

// "/notes/old" -> notes (/notes), old (/notes/old); the root has no crumbs of its own.
export function crumbsOf(dir: string): Crumb[] {
  const names = dir.split('/').filter((name) => name !== '')
  return names.map((name, i) => ({ name, dir: '/' + names.slice(0, i + 1).join('/') }))
}

export function baseName(path: string): string {
  return path.split('/').filter((name) => name !== '').at(-1) ?? path
}

export function parentOf(path: string): string {
  const names = path.split('/').filter((name) => name !== '')
  return '/' + names.slice(0, -1).join('/')
}

// Where a copy goes: a path typed with a trailing slash names a folder, so the file keeps its own name.
export function copyTarget(typed: string, file: string): string {
  const to = typed.trim()
  return /[/\\]$/.test(to) ? to + baseName(file) : to
}
