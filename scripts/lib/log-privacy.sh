# check_log_privacy LOG: fails (listing the lines) when the app's log holds personal data the
# browser tests typed in — applicants' names, ID numbers, phones, e-mail addresses (Decree
# 13/2023: logs keep request ids, routes and statuses, not people).
check_log_privacy() {
  local log=$1
  local -a pii=("Phạm Minh Châu" "001085000123" "chau@example.vn" "Hoàng Thị Yến" "0903456789" "0903 456 789"
                "Trần Văn Phím" "Lê Văn Cường" "0987654321" "Quách Thị Mai Phương")
  local found=0 term
  for term in "${pii[@]}"; do
    if grep -nF -- "$term" "$log" >/dev/null 2>&1; then
      echo "[scripts/test] personal data in the app log: '$term':" >&2
      grep -nF -- "$term" "$log" | head -3 >&2
      found=1
    fi
  done
  if ((found == 0)); then echo "[scripts/test] app log: none of ${#pii[@]} personal-data probes found ($(wc -l <"$log") lines)"; fi
  return "$found"
}
