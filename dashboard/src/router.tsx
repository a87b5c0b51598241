/** A tiny history-API router: the server answers every non-API path with index.html. */
import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const listeners = new Set<() => void>();

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.scrollTo(0, 0);
  for (const listener of listeners) listener();
}

export function usePath(): { path: string; search: URLSearchParams } {
  const read = () => ({ path: location.pathname, search: new URLSearchParams(location.search) });
  const [state, setState] = useState(read);
  useEffect(() => {
    const update = () => setState(read());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return state;
}

export type Route =
  | { name: 'fleet' }
  | { name: 'model'; id: string }
  | { name: 'version'; id: string }
  | { name: 'jobs' }
  | { name: 'report' }
  | { name: 'attestations' }
  | { name: 'notFound' };

export function match(path: string): Route {
  const clean = path.replace(/\/+$/, '') || '/';
  if (clean === '/' || clean === '/models') return { name: 'fleet' };
  if (clean === '/jobs') return { name: 'jobs' };
  if (clean === '/report') return { name: 'report' };
  if (clean === '/attestations') return { name: 'attestations' };
  const model = /^\/models\/([^/]+)$/.exec(clean);
  if (model) return { name: 'model', id: decodeURIComponent(model[1]!) };
  const version = /^\/versions\/([^/]+)$/.exec(clean);
  if (version) return { name: 'version', id: decodeURIComponent(version[1]!) };
  return { name: 'notFound' };
}

/** An <a> that navigates in the app (and still opens in a new tab with a modifier key). */
export function Link({ to, children, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
