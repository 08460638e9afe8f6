"""A live dashboard of any search: optuna-dashboard, fed a mirror of hpcore's record of it.

`hpcore dashboard SEARCH` serves it (`hpcore.cli.dashboard`); `server` binds and serves, and
`mirror` keeps an in-memory Optuna storage up to date with a journal or a saved result, so a
search on any backend (Ray, W&B, the built-in ones) shows in the same UI. optuna and
optuna-dashboard come with the `hpcore[dashboard]` extra and are imported only here, when a
dashboard is served.
"""
