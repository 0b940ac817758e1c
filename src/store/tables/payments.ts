/** The payment row: the minimum the foundation needs (go-live counts paid test payments); the payments core extends it. */
export interface PaymentsTable {
  id: string;
  integration_id: string;
  merchant_id: string;
  mode: 'test' | 'live';
  state: string;
  amount_minor: number;
  currency: string;
  version: number;
  created_at: number;
  updated_at: number;
}
