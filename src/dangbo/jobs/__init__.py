"""Background jobs: long work (imports, large exports, national reports, opening a campaign, backups) run outside
the request through Django's task interface (the ``django-tasks`` backport), with a page that shows its progress.

* Write a kind: a function ``f(job, progress)`` decorated with ``@job`` in your app's ``jobs.py``
  (``registry.py`` explains).
* Start it: ``services.start_job(actor=…, kind=…, params={…}, scope_org=…)`` and redirect to ``job`` 's page.
* Run it: ``dangbo worker`` (``dangbo serve`` starts one); ``worker.py`` says what happens when a worker dies.
"""
