"""Why a file as a whole cannot be imported: the two errors every reader raises."""

from app.errors import FieldText, InvalidInput, ProblemError
from app.messages import Text, as_text, tr


class FileProblem(InvalidInput):
    """The file as a whole cannot be imported (format, encoding, unknown columns, shape): 422."""

    def __init__(self, message: str | Text) -> None:
        super().__init__("file", message)


class FileTooLarge(ProblemError):
    """The file is larger than an import may be (rows, unpacked bytes): 413."""

    status = 413

    def __init__(self, message: str | Text) -> None:
        text = as_text(message)
        super().__init__(tr("file: {problem}", problem=text), errors=[FieldText("file", text)])
