#!/usr/bin/env bash
# Fuzzes registryctl's schema entry points with cargo-fuzz (libFuzzer).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Builds every target in fuzz/ (its own workspace; build dir fuzz/target), then runs each
# requested target (default: all) for SECONDS_PER_TARGET seconds (default 60), starting from
# fuzz/corpus/<target> after copying fuzz/seeds/<target> into it. An input that panics, takes
# over 1 s or needs over 2048 MB is a finding, saved by libFuzzer to fuzz/artifacts/<target>/.
# Prints a table of executions and findings and exits 1 if any target has a finding.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). Only a stable toolchain is required:
# RUSTC_BOOTSTRAP=1 lets it accept the -Z sanitizer flags cargo-fuzz passes. Set
# FUZZ_SANITIZER=none to build without AddressSanitizer. libFuzzer stops a target at its first
# finding; FUZZ_KEEP_GOING=1 runs it in fork mode instead (-fork=1 -ignore_crashes=1 ...), so it
# keeps fuzzing for the whole time past a known bug and saves every distinct finding.
#
# Reproduce and minimize a finding:
#   cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O -a TARGET artifacts/TARGET/crash-...
#   cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz tmin -O -a TARGET artifacts/TARGET/crash-...
# then add the minimized input under tests/fuzz-regressions/TARGET/ and delete the artifact.
set -euo pipefail

ALL_TARGETS=(manifest toolspec verify_index egress resolve yaml_differential yaml_fast)

seconds="${1:-60}"
if [[ ! "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [SECONDS_PER_TARGET] [TARGET...]   (targets: ${ALL_TARGETS[*]})" >&2
    exit 2
fi
shift || true
if (($# > 0)); then
    targets=("$@")
else
    targets=("${ALL_TARGETS[@]}")
fi
for t in "${targets[@]}"; do
    if [[ ! " ${ALL_TARGETS[*]} " == *" $t "* ]]; then
        echo "unknown target \`$t\` (targets: ${ALL_TARGETS[*]})" >&2
        exit 2
    fi
done

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is not installed: run \`cargo install cargo-fuzz\`" >&2
    exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/fuzz"

export RUSTC_BOOTSTRAP=1
sanitizer="${FUZZ_SANITIZER:-address}"
# -O: optimized; -a: keep debug assertions (integer overflow checks) on.
fuzz_flags=(-O -a --sanitizer "$sanitizer")

echo "==> building fuzz targets (sanitizer: $sanitizer)" >&2
cargo fuzz build "${fuzz_flags[@]}"

logs="$root/fuzz/target/fuzz-logs"
mkdir -p "$logs"

declare -A execs findings status
for t in "${targets[@]}"; do
    corpus="corpus/$t"
    artifacts="artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    if [[ -d "seeds/$t" ]]; then
        cp -n seeds/"$t"/* "$corpus"/ 2>/dev/null || true
    fi
    log="$logs/$t.log"
    echo "==> fuzzing $t for ${seconds}s (log: ${log#"$root"/})" >&2
    libfuzzer_flags=(-max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -print_final_stats=1)
    if [[ "${FUZZ_KEEP_GOING:-0}" == 1 ]]; then
        libfuzzer_flags+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    fi
    rc=0
    # cargo fuzz sets -artifact_prefix to fuzz/artifacts/<target>/ itself.
    cargo fuzz run "${fuzz_flags[@]}" "$t" "$corpus" -- "${libfuzzer_flags[@]}" >"$log" 2>&1 || rc=$?
    # Final stats; in fork mode the last "#N: cov: ..." status line counts all jobs' executions.
    execs[$t]="$(awk '/stat::number_of_executed_units:/ { n = $2 } /^#[0-9]+: cov:/ { f = substr($1, 2, length($1) - 2) }
        END { print (n != "" ? n : (f != "" ? f : "?")) }' "$log")"
    findings[$t]="$(find "$artifacts" -type f | wc -l | tr -d ' ')"
    if ((rc != 0)); then
        status[$t]="stopped (exit $rc)"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|thread .* panicked|ALARM|Test unit written)' "$log" | head -5 >&2 || true
    else
        status[$t]="ok"
    fi
done

failed=0
printf '\n%-14s %14s %9s  %s\n' target executions findings status
for t in "${targets[@]}"; do
    printf '%-14s %14s %9s  %s\n' "$t" "${execs[$t]}" "${findings[$t]}" "${status[$t]}"
    if [[ "${findings[$t]}" != 0 || "${status[$t]}" != ok ]]; then
        failed=1
    fi
done
if ((failed)); then
    echo "findings are in fuzz/artifacts/<target>/ (logs in fuzz/target/fuzz-logs/)" >&2
    exit 1
fi
