"""Trading partners as configuration: one YAML profile per partner, no code.

Modules: ``profile`` (the schema), ``refs`` (secret and file references), ``registry``
(a validated folder of profiles and identity resolution), ``routing`` (document type ->
sinks), ``xref`` (item cross-reference tables), ``watch`` (hot reload), ``errors``.
Applying the rules to canonical documents is ``translators.rules`` (a higher layer).
"""
