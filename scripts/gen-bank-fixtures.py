#!/usr/bin/env python3
"""Builds the bank statement fixtures of tests/import_bank.rs under tests/fixtures/import/.

    python3 scripts/gen-bank-fixtures.py

- statement.n43: AEB Norma 43 (Cuaderno 43), 80-character records, Latin-1, CRLF: one account
  of Banco Sabadell-like numbering with credits that match by invoice number in the concept
  (F2026-101), by amount and the payer's name in the 23 records (363,00 from Ferretería Añón),
  by nothing (777,77), one that only a "ya pagué" claim can explain (500,00), and a debit with
  its own concept records (skipped).
- statement.camt053.xml: ISO 20022 camt.053.001.08: credits by reference (F2026-105), by
  amount and the payer's IBAN (99,50), by nothing (1.000,00), one matching the claimed invoice
  (2.456,75 from an unknown name), a debit and a pending entry (both skipped), and a direct
  debit collection ("remesa") of two receipts in one entry, read as two credits.
"""
import os

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "import")
BANK, BRANCH, ACCOUNT = "0081", "0216", "0001234567"


def rec(text):
    assert len(text) == 80, (len(text), text)
    return text


def r11():
    return rec("11" + BANK + BRANCH + ACCOUNT + "261101" + "261130" + "2"
               + "00000001000000" + "978" + "3" + "TALLERES EJEMPLO SL".ljust(26) + "   ")


def r22(day, sign, cents, doc="", ref1="", ref2="", common="02", own="099"):
    return rec("22" + "    " + BRANCH + day + day + common + own + sign
               + str(cents).rjust(14, "0") + doc.rjust(10, "0") + ref1.ljust(12) + ref2.ljust(16))


def r23(code, a, b=""):
    return rec("23" + code + a.ljust(38)[:38] + b.ljust(38)[:38])


def norma43():
    moves = [
        # (record lines, sign, cents)
        ([r22("261103", "2", 121000, "0000000001", "F2026-101", "TRANSFERENCIA"),
          r23("01", "TRANSFERENCIA DE TALLERES PENA E HIJOS", "CONCEPTO FRA F2026-101")], "2", 121000),
        ([r22("261104", "1", 4599, "0000000002", "RECIBO LUZ"),
          r23("01", "ADEUDO RECIBO ENERGIA FACTURA 363,00", "REF F2026-102")], "1", 4599),
        ([r22("261105", "2", 36300, "0000000003", "", "TRANSFERENCIA"),
          r23("01", "TRANSFERENCIA DE FERRETERIA AÑON SA", "PEDIDO SEPTIEMBRE")], "2", 36300),
        ([r22("261106", "2", 77777, "0000000004", "", "TRANSFERENCIA"),
          r23("01", "TRANSFERENCIA DE DESCONOCIDO SL", "VARIOS")], "2", 77777),
        ([r22("261107", "2", 50000, "0000000005", "", "TRANSFERENCIA"),
          r23("01", "ORDENANTE J GUEMES", "PAGO")], "2", 50000),
    ]
    lines = [r11()]
    for recs, _, _ in moves:
        lines += recs
    debits = [c for _, s, c in moves if s == "1"]
    credits = [c for _, s, c in moves if s == "2"]
    final = 100000000 + sum(credits) - sum(debits)
    lines.append(rec("33" + BANK + BRANCH + ACCOUNT
                     + str(len(debits)).rjust(5, "0") + str(sum(debits)).rjust(14, "0")
                     + str(len(credits)).rjust(5, "0") + str(sum(credits)).rjust(14, "0")
                     + "2" + str(final).rjust(14, "0") + "978" + "    "))
    lines.append(rec("88" + "9" * 18 + str(len(lines)).rjust(6, "0") + " " * 54))
    with open(os.path.join(OUT, "statement.n43"), "wb") as f:
        f.write(("\r\n".join(lines) + "\r\n").encode("latin-1"))


def entry(ref, amount, ind, status, day, name=None, iban=None, ustrd=None, v8=True):
    parties = ""
    if name or iban:
        dbtr = f"<Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr>" if v8 else f"<Dbtr><Nm>{name}</Nm></Dbtr>"
        acct = f"<DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct>" if iban else ""
        parties = f"<RltdPties>{dbtr if name else ''}{acct}</RltdPties>"
    rmt = f"<RmtInf><Ustrd>{ustrd}</Ustrd></RmtInf>" if ustrd else ""
    return f"""      <Ntry>
        <Amt Ccy="EUR">{amount}</Amt>
        <CdtDbtInd>{ind}</CdtDbtInd>
        <Sts><Cd>{status}</Cd></Sts>
        <BookgDt><Dt>{day}</Dt></BookgDt>
        <ValDt><Dt>{day}</Dt></ValDt>
        <AcctSvcrRef>{ref}</AcctSvcrRef>
        <BkTxCd><Prtry><Cd>TRF</Cd></Prtry></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          {parties}
          {rmt}
        </TxDtls></NtryDtls>
      </Ntry>
"""


BATCH = """      <Ntry>
        <Amt Ccy="EUR">230.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-11-12</Dt></BookgDt>
        <ValDt><Dt>2026-11-12</Dt></ValDt>
        <AcctSvcrRef>2026111200007</AcctSvcrRef>
        <BkTxCd><Prtry><Cd>DDT</Cd></Prtry></BkTxCd>
        <AddtlNtryInf>REMESA ADEUDOS SEPA 0042</AddtlNtryInf>
        <NtryDtls>
          <Btch><NbOfTxs>2</NbOfTxs></Btch>
          <TxDtls>
            <Refs><EndToEndId>REM0042-1</EndToEndId></Refs>
            <AmtDtls><TxAmt><Amt Ccy="EUR">150.00</Amt></TxAmt></AmtDtls>
            <RltdPties><Dbtr><Pty><Nm>TALLERES PENA E HIJOS SL</Nm></Pty></Dbtr></RltdPties>
            <RmtInf><Ustrd>Recibo factura F2026-107</Ustrd></RmtInf>
          </TxDtls>
          <TxDtls>
            <Refs><EndToEndId>REM0042-2</EndToEndId></Refs>
            <AmtDtls><TxAmt><Amt Ccy="EUR">80.00</Amt></TxAmt></AmtDtls>
            <RltdPties><Dbtr><Pty><Nm>DISTRIBUIDORA GUEMES</Nm></Pty></Dbtr></RltdPties>
            <RmtInf><Ustrd>Recibo factura F2026-108</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
"""


def camt():
    entries = [
        entry("2026111000001", "605.00", "CRDT", "BOOK", "2026-11-10", "TALLERES PENA E HIJOS SL",
              "ES4200810216110001111111", "Pago Factura F2026-105"),
        entry("2026111000002", "99.50", "CRDT", "BOOK", "2026-11-10", "A. IBANEZ",
              "ES9121000418450200051332", "Transferencia", v8=False),
        entry("2026111100003", "1000.00", "CRDT", "BOOK", "2026-11-11", "Inmobiliaria &amp; Gestión SL",
              "ES1000492352082414205416", "DEVOLUCION FIANZA"),
        entry("2026111100004", "2456.75", "CRDT", "BOOK", "2026-11-11", "GUEMES IÑAKI",
              None, "TRANSFERENCIA"),
        entry("2026111200005", "120.00", "DBIT", "BOOK", "2026-11-12", "PROVEEDOR SA", None, "F2026-106"),
        entry("2026111200006", "99.50", "CRDT", "PDNG", "2026-11-12", "A. IBANEZ",
              "ES9121000418450200051332", "F2026-106"),
        BATCH,
    ]
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>STMT-20261112</MsgId><CreDtTm>2026-11-12T23:59:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>20261112-1</Id>
      <CreDtTm>2026-11-12T23:59:00</CreDtTm>
      <Acct><Id><IBAN>ES7921000813610123456789</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">10000.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-10</Dt></Dt></Bal>
{''.join(entries)}    </Stmt>
  </BkToCstmrStmt>
</Document>
"""
    with open(os.path.join(OUT, "statement.camt053.xml"), "w", encoding="utf-8") as f:
        f.write(xml)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    norma43()
    camt()
