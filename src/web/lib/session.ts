/** The signed-in token lives in sessionStorage: it ends with the tab and never enters a URL. */
const KEY = 'nexus.token';
const listeners = new Set<() => void>();

export const getToken = (): string | null => sessionStorage.getItem(KEY);

export function signIn(token: string): void {
  sessionStorage.setItem(KEY, token);
  listeners.forEach((l) => l());
}

export function signOut(): void {
  if (sessionStorage.getItem(KEY) === null) return;
  sessionStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

export function onSessionChange(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
