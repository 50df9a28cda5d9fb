#!/usr/bin/env bash
# Reconciled markup -> gold JSONL, one file per report (offsets computed by code).
set -euo pipefail
for markup in corpus/annotations/final/*.tsv; do
  id=$(basename "$markup" .tsv)
  transparency-ner gold-from-markup "$markup" "corpus/raw/$id.txt" "corpus/gold/$id.jsonl" --report "$id"
done
