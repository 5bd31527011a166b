// `dwell sites`: the sites this Dwell serves (issue #23), managed as the sites API manages them.

import { withActions } from '../../actions.ts';
import type { Command } from '../types.ts';
import { addSite } from './add.ts';
import { listSites } from './list.ts';
import { removeSite } from './remove.ts';
import { showSite } from './show.ts';
import { updateSite } from './update.ts';

export const sites: Command = withActions('sites', 'manage sites: add, list, show, update, remove', {
  add: addSite,
  list: listSites,
  show: showSite,
  update: updateSite,
  remove: removeSite,
});
