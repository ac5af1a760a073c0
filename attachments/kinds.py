"""Which files may be attached, and what they are: an allow-list of extensions, each with
the type a download is served as and, where the format has one, the bytes its content
starts with. A file is stored only when its content is what its name says (a page or
script named .pdf is refused); the type kept is the one listed here, never the client's.
Web pages, SVG and scripts are not on the list: served from the site, they would run."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    content_type: str
    signatures: tuple = ()  # the content starts with one of them; () = any binary
    text: bool = False  # plain text: no NUL bytes in its head


ZIP = (b"PK\x03\x04", b"PK\x05\x06")
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)

KINDS = {
    "pdf": Kind("application/pdf", (b"%PDF",)),
    "png": Kind("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": Kind("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": Kind("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": Kind("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": Kind("image/webp", (b"RIFF",)),
    "bmp": Kind("image/bmp", (b"BM",)),
    "tif": Kind("image/tiff", (b"II*\x00", b"MM\x00*")),
    "tiff": Kind("image/tiff", (b"II*\x00", b"MM\x00*")),
    "heic": Kind("image/heic"),
    "docx": Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    "xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    "pptx": Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP),
    "odt": Kind("application/vnd.oasis.opendocument.text", ZIP),
    "ods": Kind("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    "odp": Kind("application/vnd.oasis.opendocument.presentation", ZIP),
    "doc": Kind("application/msword", OLE),
    "xls": Kind("application/vnd.ms-excel", OLE),
    "ppt": Kind("application/vnd.ms-powerpoint", OLE),
    "msg": Kind("application/vnd.ms-outlook", OLE),
    "zip": Kind("application/zip", ZIP),
    "rar": Kind("application/vnd.rar", (b"Rar!\x1a\x07",)),
    "7z": Kind("application/x-7z-compressed", (b"7z\xbc\xaf\x27\x1c",)),
    "txt": Kind("text/plain; charset=utf-8", text=True),
    "csv": Kind("text/csv; charset=utf-8", text=True),
    "eml": Kind("message/rfc822", text=True),
    "rtf": Kind("application/rtf", (b"{\\rtf",)),
    "mp3": Kind("audio/mpeg"),
    "m4a": Kind("audio/mp4"),
    "wav": Kind("audio/wav", (b"RIFF",)),
    "mp4": Kind("video/mp4"),
    "mov": Kind("video/quicktime"),
}
HEAD = 512  # bytes read to tell what a file is


def content_matches(kind, head):
    if kind.text:
        return b"\x00" not in head
    return not kind.signatures or head.startswith(kind.signatures)
