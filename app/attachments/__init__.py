"""Uploaded files: what a file is by its content (:mod:`app.attachments.content`) and where
it is kept (:mod:`app.attachments.storage`). The challenges' response attachments use them."""
