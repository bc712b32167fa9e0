import { reviewCommand } from './approve.js';

export const reject = reviewCommand('reject', 'rejected', 'Reject a run waiting for an environment; its deployment fails');
