"""The admin registrations of every model of the site.

They live here, above the apps they edit, rather than in each app's own admin.py: those apps
would then import editors while editors imports them. base.py holds what every model's admin
shares; each module beside it registers one part of the site.
"""

from . import articles, explorer, glossary, references  # noqa: F401 (each registers its models)
