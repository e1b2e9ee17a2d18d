"""The GST Returns Offline Tool's CSV templates for GSTR-1, written down as data.

Sources (read for the facts, nothing copied): GSTN's Returns Offline Tool for GSTR-1 — its
CSV templates and the import code that reads them (column names such as "Place Of Supply",
"Applicable % of Tax Rate", "Note Supply Type", "UR Type", and its checks: dates as
DD-MMM-YYYY, Rate one of 0/0.1/0.25/1/1.5/3/5/7.5/12/18/28 written without trailing zeros,
document numbers of at most 16 letters, digits, "-" or "/", Reverse Charge Y/N, B2CS type "OE",
Applicable % blank or 100/65, negative values allowed in B2CS only); GSTN's advisory on the
Table 12 split into B2B and B2C tabs (HSN summary by supply type from the May 2025 period);
the tool's place-of-supply master ("29-Karnataka", with its own spellings such as
"Lakshdweep" and "Pondicherry"). If the tool changes a header, change it here: the tests read
each CSV's header row against these lists.
"""

# File name in the pack -> exact header row of the tool's template.
CSV_HEADERS: dict[str, list[str]] = {
    "b2b.csv": [
        "GSTIN/UIN of Recipient", "Receiver Name", "Invoice Number", "Invoice date",
        "Invoice Value", "Place Of Supply", "Reverse Charge", "Applicable % of Tax Rate",
        "Invoice Type", "E-Commerce GSTIN", "Rate", "Taxable Value", "Cess Amount",
    ],
    "b2cl.csv": [
        "Invoice Number", "Invoice date", "Invoice Value", "Place Of Supply",
        "Applicable % of Tax Rate", "Rate", "Taxable Value", "Cess Amount", "E-Commerce GSTIN",
    ],
    "b2cs.csv": [
        "Type", "Place Of Supply", "Applicable % of Tax Rate", "Rate", "Taxable Value",
        "Cess Amount", "E-Commerce GSTIN",
    ],
    "exp.csv": [
        "Export Type", "Invoice Number", "Invoice date", "Invoice Value", "Port Code",
        "Shipping Bill Number", "Shipping Bill Date", "Rate", "Taxable Value", "Cess Amount",
    ],
    "cdnr.csv": [
        "GSTIN/UIN of Recipient", "Receiver Name", "Note Number", "Note Date", "Note Type",
        "Place Of Supply", "Reverse Charge", "Note Supply Type", "Note Value",
        "Applicable % of Tax Rate", "Rate", "Taxable Value", "Cess Amount",
    ],
    "cdnur.csv": [
        "UR Type", "Note Number", "Note Date", "Note Type", "Place Of Supply", "Note Value",
        "Applicable % of Tax Rate", "Rate", "Taxable Value", "Cess Amount",
    ],
    "hsn(b2b).csv": [
        "HSN", "Description", "UQC", "Total Quantity", "Total Value", "Rate", "Taxable Value",
        "Integrated Tax Amount", "Central Tax Amount", "State/UT Tax Amount", "Cess Amount",
    ],
    "hsn(b2c).csv": [
        "HSN", "Description", "UQC", "Total Quantity", "Total Value", "Rate", "Taxable Value",
        "Integrated Tax Amount", "Central Tax Amount", "State/UT Tax Amount", "Cess Amount",
    ],
    "docs.csv": ["Nature of Document", "Sr. No. From", "Sr. No. To", "Total Number", "Cancelled"],
}  # fmt: skip

# Values the tool accepts in its fixed-vocabulary columns.
INVOICE_TYPE_REGULAR_B2B = "Regular B2B"  # b2b "Invoice Type", cdnr "Note Supply Type"
B2CS_TYPE_OTHER_THAN_ECOMMERCE = "OE"
NOTE_TYPE_CREDIT = "C"
EXPORT_WITH_PAYMENT = "WPAY"
EXPORT_WITHOUT_PAYMENT = "WOPAY"
UQC_NOT_APPLICABLE = "NA"  # services have no unit quantity
TOOL_RATES = ("0", "0.1", "0.25", "1", "1.5", "3", "5", "7.5", "12", "18", "28")

# Table 13 natures of document, with the number the portal's JSON gives each (doc_num).
DOC_NATURE_INVOICES = ("Invoices for outward supply", 1)
DOC_NATURE_CREDIT_NOTES = ("Credit Note", 5)

# The tool's place-of-supply names, by GST state code.
PLACE_OF_SUPPLY_NAMES: dict[str, str] = {
    "01": "Jammu & Kashmir", "02": "Himachal Pradesh", "03": "Punjab", "04": "Chandigarh",
    "05": "Uttarakhand", "06": "Haryana", "07": "Delhi", "08": "Rajasthan",
    "09": "Uttar Pradesh", "10": "Bihar", "11": "Sikkim", "12": "Arunachal Pradesh",
    "13": "Nagaland", "14": "Manipur", "15": "Mizoram", "16": "Tripura", "17": "Meghalaya",
    "18": "Assam", "19": "West Bengal", "20": "Jharkhand", "21": "Odisha",
    "22": "Chhattisgarh", "23": "Madhya Pradesh", "24": "Gujarat",
    "26": "Dadra & Nagar Haveli & Daman & Diu", "27": "Maharashtra", "29": "Karnataka",
    "30": "Goa", "31": "Lakshdweep", "32": "Kerala", "33": "Tamil Nadu", "34": "Pondicherry",
    "35": "Andaman & Nicobar Islands", "36": "Telangana", "37": "Andhra Pradesh",
    "38": "Ladakh", "96": "Other Countries", "97": "Other Territory",
}  # fmt: skip


def place_of_supply(code: str) -> str:
    """`29-Karnataka`, as the tool writes a place of supply."""
    return f"{code}-{PLACE_OF_SUPPLY_NAMES.get(code, code)}"
