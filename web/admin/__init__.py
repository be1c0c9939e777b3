"""The admin page (``/admin/``): server-rendered Vietnamese pages for administrators, login by
one-time links, CSRF-checked forms, and ``/metrics``. Mounted by ``loa run`` (``web.app``)."""
