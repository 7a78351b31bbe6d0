"""The ``file`` parameter: files uploaded in a multipart body (contract section 14)."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from crm.api.params import Param


class Files(Param):
    """One or more uploaded files (``file`` parts of a multipart/form-data body). Their
    number and size are the comment service's rules (conversation.services.check_files)."""

    openapi_type = {"type": "array", "items": {"type": "string", "format": "binary"}}

    def parse(self, raw, path, source):
        files = raw if isinstance(raw, list) else [raw]
        if not files or not all(isinstance(upload, UploadedFile) for upload in files):
            raise self.invalid(
                path, "files are sent as parts of a multipart/form-data body, not as values"
            )
        return files
