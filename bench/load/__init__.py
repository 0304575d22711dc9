"""A bounded load run on loopback, and the database-restart drill (ADR 0009).

    python -m bench.load [--users 50] [--seconds 120] [--restart-at 60]
                         [--database postgres|sqlite] [--workers 3] [--threads 4]

What it does:
- makes its own database (bench.common: createdb + migrate; `PGHOST`/`PGPORT` choose the
  PostgreSQL server), loads the demo (`sasaeai demo --allow-production`) and collects the static
  files into a temporary STATIC_ROOT;
- starts gunicorn on 127.0.0.1:<free port> serving config.wsgi with the production settings
  (SASAEAI_ENV=production, DEBUG off, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, the manifest
  static storage). Production settings force HTTPS (redirect, Secure cookies, HSTS), so the
  clients behave as a TLS-terminating proxy in front of the app would make a browser behave:
  every request carries `X-Forwarded-Proto: https` (the SECURE_PROXY_SSL_HEADER production
  trusts), and the Secure cookies the app sets are sent back over the loopback;
- runs N simulated users as threads (requests.Session), each with its own seeded random
  generator and a think time of 0.5–1.5 s: public readers (home, municipality, plan = 体系図,
  element and initiative pages, 課題×取組, indicator table and detail, cycle summary, digest:
  URLs found by crawling the demo site before the run) and staff (担当 of a department or the
  社協, never 事務局: they sign in through /accounts/login/ with the demo logins, then read
  わたしの作業, cycle and entry pages; the writers among them open an entry of 久留米市's open
  cycle, change 進捗状況 and save it through the real form, with its CSRF token and version);
- records every request's latency and status. An error is a status ≥ 500, an exception, or any
  status the page does not answer a browser with (a 409 conflict on save is counted apart);
- with --restart-at T, stops and starts PostgreSQL (pg_ctlcluster, fast mode: what `restart`
  does) T seconds into the run, and counts failed requests against those in flight while the
  server went down; afterwards every entry's history is checked for a partial write.

Figures are printed and merged into bench/results.json (other keys kept): load.public.p95_ms,
load.staff.p95_ms, load.error_rate; with --restart-at load.restart.failed_requests,
load.restart.in_flight and load.restart.partial_writes.

Its parts: server (the app under gunicorn), browser (one person's browser, the crawl before the
run), users (the simulated readers and staff), drill (the PostgreSQL restart and the check for
partial writes), report (the figures) and run (the command itself).
"""
