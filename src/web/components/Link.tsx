import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { navigate } from '../lib/router.js';

/** An ordinary link that navigates in-app on a plain click (new tabs and copy-link still work). */
export function Link({ to, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
    window.scrollTo(0, 0);
  };
  return <a href={to} onClick={onClick} {...rest} />;
}
