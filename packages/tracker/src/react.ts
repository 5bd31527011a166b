'use client';
// @dwell/tracker/react: `<Dwell api="https://dwell.example.com" />` once in the app's layout. A
// client component (Next.js App Router), and plain React elsewhere. It renders nothing; route
// changes by history.pushState continue the session, so it stays mounted across pages.

import { useEffect } from 'react';
import { type ComponentProps, startLater, trackerOptions } from './later.ts';

export type DwellProps = ComponentProps;

export function Dwell(props: DwellProps): null {
  const { api, idle, mouse, grace, debug, sessionCookie, site } = props;
  // Unmounting stops tracking (the time so far leaves as a final beat); new options restart it.
  useEffect(
    () => startLater(trackerOptions({ api, idle, mouse, grace, debug, sessionCookie, site })),
    [api, idle, mouse, grace, debug, sessionCookie, site],
  );
  return null;
}

export default Dwell;
