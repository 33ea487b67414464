"""The web pages: sign-in, the study dashboard, the participant list and page, and the audit
history of each record, with the base layout every other page extends (``web/base.html``).

Views only read, through the apps' selectors and the constant-query reads of
:mod:`hepatrial.edc.web.queries`; writes happen in the data-entry forms (``webforms``), which
call the services. Masking follows :func:`hepatrial.edc.core.masking.allocation_visible`, the
navigation follows :data:`hepatrial.edc.core.permissions.PERMISSIONS`, times are shown in the
site's zone (:mod:`hepatrial.edc.web.middleware`) and every string is in the zh-Hans catalogue.
"""
