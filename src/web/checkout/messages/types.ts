import type { PaymentMethod } from '../../../core/payment-methods.js';
import type { CustomerLanguage } from '../../../http/customer-money.js';

/**
 * Everything a customer reads on the hosted checkout, in one language. Each catalogue is typed by
 * this interface, so a language that misses a message does not compile. (The merchant's testing
 * controls and the sandbox's test hints stay in English: only a developer reads them.)
 */
export interface Messages {
  lang: CustomerLanguage;
  testBanner: string;
  items: string;
  moreItems: (n: number) => string;
  reference: string;
  payTitle: (merchant: string) => string;
  howToPay: string;
  pay: (amount: string) => string;
  /** Before the fee a method adds when the customer pays it. */
  fee: string;
  cancelPayment: string;
  backToMerchant: string;
  returnToMerchant: string;
  noMethods: string;
  methodUnavailable: string;
  chooseMethod: string;
  expired: string;
  merchantDisabled: string;
  merchantTesting: string;
  waitingTitle: string;
  refreshes: string;
  authorizationCode: string;
  outcome: {
    paid: [string, string];
    partlyRefunded: (refunded: string, total: string) => [string, string];
    refunded: [string, string];
    disputed: [string, string];
    failed: (reason: string | null) => [string, string];
    cancelled: [string, string];
    expired: [string, string];
    open: [string, string];
  };
  notFound: [string, string];
  badRequest: [string, string];
  formExpired: [string, string];
  tooMany: [string, string];
  fault: (requestId: string) => [string, string];
  backToPayment: string;
  methods: Record<PaymentMethod, { label: string; waiting: string }>;
  fields: {
    phone: string;
    optional: string;
    cardNumber: string;
    blikCode: string;
    bank: string;
    wallet: string;
  };
  problems: {
    phoneTooLong: string;
    phoneMissing: string;
    cardTooLong: string;
    blikCode: string;
    bank: string;
    wallet: string;
  };
}
