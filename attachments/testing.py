"""Examples of attachments for the generated working-record tests (records.testing), and
helpers of the upload and download tests."""

from django.core.files.uploadedfile import SimpleUploadedFile

from records.testing import ModuleExample, serial

from .models import Attachment
from .services import attachments


def upload(name="notes.txt", content=b"hello", content_type="text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def download_bytes(response):
    """The whole body of a streamed download. Reading it to the end closes the file; the
    test client's wrapper does that without closing the test's database connection."""
    return b"".join(response.streaming_content)


class AttachmentExample(ModuleExample):
    change = None  # an attachment is replaced, never changed

    def make(self, user, customer, tag, made):
        content = f"bytes of {tag}".encode()
        return attachments.create(user, customer, {"file": upload(f"{tag}-file.txt", content)})

    def body(self, tag, made):
        return {"file": upload(f"{tag}.txt", b"new bytes")}, "multipart"

    def form(self, tag, made):
        return {"file": upload(f"{tag}.txt", b"page bytes")}

    def shown(self, row):
        return row.original_name

    def planted(self, tag, row):
        return {f"{tag}-file"}

    def bulk(self, user, customer, count):
        batch = serial()
        Attachment.objects.bulk_create(
            Attachment(
                customer=customer,
                created_by=user,
                file=f"attachments/t/{customer.pk}-{batch}-{i}.txt",
                original_name=f"file {i}.txt",
                size=1,
            )
            for i in range(count)
        )


EXAMPLES = {"attachments": AttachmentExample()}
