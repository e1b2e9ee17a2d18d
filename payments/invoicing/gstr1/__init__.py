"""GSTR-1 for a filing period: the offline tool's CSV files, the portal's JSON, and the
reconciliation of both with the register CSV and the documents' own totals."""
