/**
 * The dashboard's only script, served as /assets/app.js (the pages' CSP allows no inline script).
 * Pages work by data attributes, so no page needs its own script. Bundled by
 * scripts/build-client.mjs into public/assets/, which Workers Static Assets serves.
 */
import { wireDialogs } from './dialogs';
import { wireForms } from './forms';
import { localizeTimes } from './money';
import { showFlash } from './page';
import { wirePricingEditor } from './pricing-editor';
import { wireTopup } from './topup';
import { wireNotifications } from './notifications';
import { wireTotp } from './totp';
import { wirePlans } from './plans';

showFlash();
localizeTimes();
wireForms();
wireDialogs();
wirePricingEditor();
wireTopup();
wireNotifications();
wireTotp();
wirePlans();
