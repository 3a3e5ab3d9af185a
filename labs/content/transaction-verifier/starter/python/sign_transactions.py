"""Step 2: sign every transaction of transactions.jsonl with gen_signature and your token, and
write {"txid", "signature"} lines to signatures.jsonl.

    python3 transaction-verifier/python/sign_transactions.py
"""

import json

from gen_signature import gen_signature
from handout import token
from workspace import in_workspace

with open(in_workspace('transactions.jsonl'), encoding='utf-8') as f:
    transactions = [json.loads(line) for line in f if line.strip()]

# TODO: sign each transaction with gen_signature(txid, payer, payee, amount, token), print it, and
#       write one JSON line {"txid": ..., "signature": ...} per transaction to signatures.jsonl.
print(f'{len(transactions)} transactions to sign with {gen_signature.__name__}')
