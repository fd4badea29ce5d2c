-- wrk reporter for bench/api.sh: exact median and p95 (wrk's --latency stops at 90/99), and errors.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("P50_MS %.2f\nP95_MS %.2f\nRPS %.1f\nERRORS %d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.requests / (summary.duration / 1e6),
    e.status + e.connect + e.read + e.write + e.timeout))
end
