// JSON in Web Storage that never throws: storage is missing or refuses access in sandboxed frames,
// some private modes and full disks, and the tracker then simply keeps its state in memory.

export const read = <T>(key: string, local?: boolean): T | undefined => {
  try {
    return JSON.parse((local ? localStorage : sessionStorage).getItem(key)!);
  } catch {}
};

/** Writes `value`, or removes the key when it is empty, so finished tabs leave nothing behind. */
export const write = (key: string, value: unknown, local?: boolean): void => {
  try {
    const storage = local ? localStorage : sessionStorage;
    value ? storage.setItem(key, JSON.stringify(value)) : storage.removeItem(key);
  } catch {}
};
