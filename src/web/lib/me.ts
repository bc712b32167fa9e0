import { createContext, useContext } from 'react';
import type { Role } from './api.js';

export interface Me { name: string; role: Role }

const rank: Record<Role, number> = { runner: 0, viewer: 1, developer: 2, admin: 3 };

export const MeContext = createContext<Me>({ name: '', role: 'viewer' });
export const useMe = (): Me => useContext(MeContext);

/** What the UI offers; the API decides (a hidden button is a courtesy, never the guard). */
export const can = (me: Me, need: Role): boolean => rank[me.role] >= rank[need];
