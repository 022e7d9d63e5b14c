import { Hono } from 'hono';
import { availableMethods } from '../payments/orders';
import type { AppEnv } from '../app-types';
import { readSession } from '../api/session';
import { page } from './render';
import { loginRoutes, renderLogin } from './pages/login';
import { overviewBody } from './pages/overview';
import { keysBody } from './pages/keys';
import { adminLogsBody, customerLogsBody } from './pages/logs';
import { pricingBody } from './pages/pricing';
import { accountBody } from './pages/account';
import { channelsBody } from './pages/admin-channels';
import { usersBody } from './pages/admin-users';
import { pricingEditorBody } from './pages/admin-pricing';
import { maintenanceBody } from './pages/admin-maintenance';
import { settingsBody } from './pages/admin-settings';
import { topupBody, topupReturnBody } from './pages/topup';
import { ordersBody } from './pages/admin-orders';
import { codesBody } from './pages/admin-codes';
import { mailLinkRoutes } from './pages/mail-links';
import { signupPageRoutes } from './pages/signup';
import { notificationsBody } from './pages/notifications';
import { noticesBody } from './pages/admin-notices';
import { auditBody } from './pages/admin-audit';
import { referralsBody, withdrawalsBody } from './pages/referrals';
import { adminPlansBody, plansBody } from './pages/plans';

/**
 * The dashboard: server-rendered pages at `/`. Every page checks the session and role on the
 * server; changes go through the JSON API from /assets/app.js with the CSRF header.
 */
export const dashboardRoutes = new Hono<AppEnv>();

dashboardRoutes.route('/', loginRoutes);
dashboardRoutes.route('/', mailLinkRoutes);
dashboardRoutes.route('/', signupPageRoutes);

const overview = page('user', (v) => v.t('overview.title'), overviewBody);
dashboardRoutes.get('/', async (c) => ((await readSession(c)) ? overview(c) : renderLogin(c)));

dashboardRoutes.get(
  '/keys',
  page('user', (v) => v.t('keys.title'), keysBody),
);
dashboardRoutes.get(
  '/logs',
  page('user', (v) => v.t('logs.title'), customerLogsBody),
);
dashboardRoutes.get(
  '/pricing',
  page('public', (v) => v.t('pricing.title'), pricingBody),
);
dashboardRoutes.get(
  '/topup',
  page('user', (v) => v.t('topup.title'), topupBody),
);
dashboardRoutes.get(
  '/topup/return',
  page('user', (v) => v.t('topup.returnTitle'), topupReturnBody),
);
dashboardRoutes.get(
  '/account',
  page('user', (v) => v.t('account.title'), accountBody),
);
dashboardRoutes.get(
  '/plans',
  page('user', (v) => v.t('plans.title'), plansBody),
);
dashboardRoutes.get(
  '/referrals',
  page('user', (v) => v.t('ref.title'), referralsBody),
);
dashboardRoutes.get(
  '/notifications',
  page('user', (v) => v.t('notify.title'), notificationsBody),
);

dashboardRoutes.get('/admin', (c) => c.redirect('/admin/channels', 303));
dashboardRoutes.get(
  '/admin/channels',
  page('admin', (v) => v.t('channels.title'), channelsBody),
);
dashboardRoutes.get(
  '/admin/users',
  page('admin', (v) => v.t('users.title'), usersBody),
);
dashboardRoutes.get(
  '/admin/pricing',
  page('admin', (v) => v.t('editor.title'), pricingEditorBody),
);
dashboardRoutes.get(
  '/admin/orders',
  page('admin', (v) => v.t('orders.title'), ordersBody),
);
dashboardRoutes.get(
  '/admin/codes',
  page('admin', (v) => v.t('codes.title'), codesBody),
);
dashboardRoutes.get(
  '/admin/logs',
  page('admin', (v) => v.t('logs.allTitle'), adminLogsBody),
);
dashboardRoutes.get(
  '/admin/notices',
  page('admin', (v) => v.t('notices.title'), noticesBody),
);
dashboardRoutes.get(
  '/admin/maintenance',
  page('admin', (v) => v.t('maint.title'), maintenanceBody),
);
dashboardRoutes.get(
  '/admin/plans',
  page('admin', (v) => v.t('plans.title'), adminPlansBody),
);
dashboardRoutes.get(
  '/admin/withdrawals',
  page('admin', (v) => v.t('wd.title'), withdrawalsBody),
);
dashboardRoutes.get(
  '/admin/audit',
  page('admin', (v) => v.t('audit.title'), auditBody),
);
dashboardRoutes.get(
  '/admin/settings',
  page(
    'admin',
    (v) => v.t('settings.title'),
    (c, v) => settingsBody(v, availableMethods(c.env)),
  ),
);
