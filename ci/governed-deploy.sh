#!/usr/bin/env bash
# The governed gate for a product repository (README "Gate the pipeline"), for any CI system:
#   1. synthesize (GovernedApp runs the rules; an error withdraws the output and fails here);
#   2. check --strict on cdktf.out, SARIF for code scanning (exit 1 on an error or cannot-verify);
#   3. per stack: terraform init and plan (the live contract is re-checked by its postconditions);
#   4. per stack: review of the plan against the synthesized stack, SARIF and Markdown.
# With --baseline DIR (SARIF files of the main branch's run, same names), steps 2 and 4 fail only on
# findings not in the baseline. Every step runs; the script exits 1 if any failed, and prints which.
#
# Usage: ci/governed-deploy.sh [--out DIR] [--baseline DIR] [--stack NAME ...]
# Environment:
#   GOVERNED_SYNTH  the synth command               (default: npx tsc && node main.js)
#   GOVERNED_CLI    the governance CLI               (default: npx --no-install cdktf-ai-governance)
#   CDKTF_OUTDIR    where synth writes               (default: cdktf.out)
#   TERRAFORM       the terraform binary             (default: terraform)
# Credentials, state backend and Region are Terraform's and the AWS provider's own (the CI system's
# OIDC role, the stack's S3Backend): nothing here reads or prints them.
# Trust: the synth step runs the repository's own code, which can rewrite its node_modules (and so
# the default GOVERNED_CLI). Where the product repository is not trusted by the gate, run the
# checks in a separate job from an install the pipeline owns, with cdktf.out as the only input.
# A check or review that writes no report counts as failed.
set -uo pipefail

OUT=governance-out
BASELINE=
STACKS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --baseline) BASELINE="$2"; shift 2 ;;
    --stack) STACKS+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "governed-deploy: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

SYNTH="${GOVERNED_SYNTH:-npx tsc && node main.js}"
CLI="${GOVERNED_CLI:-npx --no-install cdktf-ai-governance}"
CDKTF_OUT="${CDKTF_OUTDIR:-cdktf.out}"
TF="${TERRAFORM:-terraform}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
FAILED=()

step() { echo; echo "== governed-deploy: $*"; }
baseline_for() { if [ -n "$BASELINE" ] && [ -f "$BASELINE/$1" ]; then echo "--baseline $BASELINE/$1"; fi; }

step "synth ($SYNTH)"
if ! bash -c "$SYNTH"; then
  echo "governed-deploy: synth failed (a governance error withdraws the output: see governance.md beside each stack)" >&2
  exit 1
fi

step "check --strict $CDKTF_OUT"
rm -f "$OUT/check.sarif"
# shellcheck disable=SC2046,SC2086
if ! $CLI check --strict --format sarif -o "$OUT/check.sarif" $(baseline_for check.sarif) "$CDKTF_OUT" || [ ! -s "$OUT/check.sarif" ]; then FAILED+=("check"); fi

if [ ${#STACKS[@]} -eq 0 ]; then
  for d in "$CDKTF_OUT"/stacks/*/; do STACKS+=("$(basename "$d")"); done
fi
for stack in "${STACKS[@]}"; do
  dir="$CDKTF_OUT/stacks/$stack"
  step "plan $stack"
  if ! "$TF" -chdir="$dir" init -input=false -no-color > "$OUT/$stack.init.log" 2>&1; then
    tail -20 "$OUT/$stack.init.log" >&2; FAILED+=("init $stack"); continue
  fi
  if ! "$TF" -chdir="$dir" plan -input=false -no-color -out=governed.tfplan > "$OUT/$stack.plan.log" 2>&1; then
    tail -40 "$OUT/$stack.plan.log" >&2; FAILED+=("plan $stack"); continue
  fi
  grep -E '^(Plan:|No changes)' "$OUT/$stack.plan.log" || true
  "$TF" -chdir="$dir" show -json governed.tfplan > "$OUT/$stack.plan.json"
  step "review $stack"
  rm -f "$OUT/$stack.review.sarif"
  # shellcheck disable=SC2046,SC2086
  if ! $CLI review "$OUT/$stack.plan.json" --synth "$dir" --stack "$stack" --strict --format sarif -o "$OUT/$stack.review.sarif" $(baseline_for "$stack.review.sarif") || [ ! -s "$OUT/$stack.review.sarif" ]; then
    FAILED+=("review $stack")
  fi
  # shellcheck disable=SC2086
  $CLI review "$OUT/$stack.plan.json" --synth "$dir" --stack "$stack" -o "$OUT/$stack.review.md" || true
done

echo
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "governed-deploy: FAILED: ${FAILED[*]} (reports in $OUT)"
  exit 1
fi
echo "governed-deploy: passed (reports in $OUT)"
