"""Alerts (issue 17): rules in alerts.yaml, evaluated on the stored data, delivered in the app,
on the terminal and to WeCom / DingTalk / Feishu / a JSON endpoint.

Headless: nothing here imports Textual. Modules, one job each:

* ``rules``      the rule model and the tolerant loader (file:line:col diagnostics);
* ``figures``    the per-stock figures of one session (live quotes or stored bars), with the
                 bad-data guards and the limit flags of ``tui.analytics.limits``;
* ``conditions`` each condition as a function of those figures, the project and the date;
* ``episodes``   once-per-episode state and the alert log in SQLite;
* ``channels``   the webhook payloads, signatures, response checks and retries;
* ``delivery``   quiet hours, per-channel rate limits, and the delivery log;
* ``engine``     one evaluation run (what the CLI, the app and the schedule call);
* ``inbox``      the interface a future inbox store plugs into.
"""
