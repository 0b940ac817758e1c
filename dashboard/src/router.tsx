/** The dashboard's pages and their paths (the gateway answers each of these paths with index.html). */
import { createRootRoute, createRoute, createRouter } from '@tanstack/react-router';
import { Layout } from './components/Layout';
import { ForgotPage, LoginPage, SignupPage } from './pages/auth';
import { DevelopersPage } from './pages/developers';
import { HomePage } from './pages/home';
import { IntegrationPage, IntegrationsPage, NewIntegrationPage } from './pages/integrations';
import { MoneyPage } from './pages/money';
import { OperatorsPage } from './pages/operators';
import { PaymentPage, PaymentsPage } from './pages/payments';
import { SettingsPage } from './pages/settings';

const rootRoute = createRootRoute({ component: Layout });
// Each route spelled out, so its path stays a literal type and links are checked against it.
export const routeTree = rootRoute.addChildren([
  createRoute({ getParentRoute: () => rootRoute, path: '/', component: HomePage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/login', component: LoginPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/signup', component: SignupPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/forgot-password', component: ForgotPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/integrations', component: IntegrationsPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/integrations/new', component: NewIntegrationPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/integrations/$id', component: IntegrationPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/payments', component: PaymentsPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/payments/$id', component: PaymentPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/developers', component: DevelopersPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/money', component: MoneyPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/settings', component: SettingsPage }),
  createRoute({ getParentRoute: () => rootRoute, path: '/operators', component: OperatorsPage }),
]);

export const router = createRouter({ routeTree, defaultPreload: false, scrollRestoration: true });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}

