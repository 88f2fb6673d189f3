import { LogViewer } from '@backstage/core-components';
import { useEffect, useRef } from 'react';

/**
 * Names and roles Backstage's LogViewer leaves out (core-components
 * 0.18): its line numbers are links marked `role="row"` outside any table,
 * and its filter button and search field have no accessible name. They are
 * fixed on the rendered DOM, lines included as the virtual list renders
 * them.
 */
function repair(root: HTMLElement) {
  root.querySelectorAll('a[role="row"]').forEach(link => {
    link.removeAttribute('role');
    if (!link.getAttribute('aria-label')) {
      link.setAttribute('aria-label', `Line ${link.textContent}`);
    }
  });
  root.querySelectorAll('button:not([aria-label])').forEach(button => {
    if (button.textContent?.trim()) return;
    button.setAttribute(
      'aria-label',
      'Show only the lines that match the search',
    );
    button.setAttribute('title', 'Show only the lines that match the search');
  });
  root
    .querySelectorAll('input:not([aria-label])')
    .forEach(input => input.setAttribute('aria-label', 'Search the log'));
}

/** Backstage's LogViewer, accessible. */
export function AccessibleLogViewer(props: { text: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = ref.current;
    if (!root) return undefined;
    repair(root);
    const observer = new MutationObserver(() => repair(root));
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={ref} style={{ height: '100%' }}>
      <LogViewer text={props.text} />
    </div>
  );
}
