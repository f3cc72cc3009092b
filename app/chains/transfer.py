"""Import and export of the chain map: a JSON document, or a CSV file with one row per node.

CSV columns (Chinese or English headers; UTF-8, UTF-8 with BOM or GBK/GB18030):

======================  ============  ==========================================
English                 中文           holds
======================  ============  ==========================================
chain                   产业链         the chain's name (rows of a chain may be apart)
chain_description       产业链说明      optional; the first non-empty one counts
node                    环节           the node's name, unique in its chain
stage                   位置           0 = most upstream, 1, 2 … downstream
description             环节说明        optional
products                产品           separated by ; ； 、 or |
keywords                关键词          the same
inputs                  上游环节        names of this chain's nodes that feed this one
======================  ============  ==========================================

Imports are all-or-nothing: every row is checked first (schema, duplicate names, unknown input
nodes, self-loops, cycles) and any problem means nothing is written. Chains and nodes are
matched by name and updated; with ``replace`` the chains in the file become exactly as the file
says (their other nodes and edges go), otherwise nodes and edges are only added or updated.
"""

import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import IO, Any

from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from app import audit
from app.auth.principal import Principal
from app.chains import service
from app.chains.schemas import (
    ChainImportError,
    ChainImportSummary,
    ChainMapDocument,
    ExportChain,
    ExportEdge,
    ExportNode,
)
from app.errors import InvalidInput
from app.messages import Text, tr, validation_text
from app.models import Chain, ChainEdge, ChainNode
from app.models.base import utcnow
from app.platform.db import flush
from app.spreadsheets import detect_encoding, neutralize

CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "chain": ("chain", "产业链", "产业链名称", "链"),
    "chain_description": ("chain_description", "产业链说明", "产业链描述"),
    "node": ("node", "环节", "节点", "环节名称"),
    "stage": ("stage", "位置", "层级", "阶段"),
    "description": ("description", "环节说明", "说明", "描述"),
    "products": ("products", "产品", "主要产品"),
    "keywords": ("keywords", "关键词"),
    "inputs": ("inputs", "上游环节", "输入环节", "上游"),
}
CSV_HEADER = ["产业链", "产业链说明", "环节", "位置", "环节说明", "产品", "关键词", "上游环节"]
_SPLIT = re.compile(r"[;；、|]")
_HEADER_KEYS = {
    "".join(alias.split()).casefold(): key
    for key, aliases in CSV_COLUMNS.items()
    for alias in aliases
}


class ImportFileProblem(InvalidInput):
    """The file as a whole cannot be read."""

    def __init__(self, message: str | Text) -> None:
        super().__init__("file", message)


@dataclass
class _Plan:
    """The file read: chains in file order, with the row each node and edge came from."""

    chains: list[ExportChain] = field(default_factory=list)
    node_rows: dict[tuple[str, str], int] = field(default_factory=dict)
    edge_rows: dict[tuple[str, str, str], int] = field(default_factory=dict)
    chain_rows: dict[str, int] = field(default_factory=dict)
    edge_fields: dict[tuple[str, str, str], str] = field(default_factory=dict)
    errors: list[ChainImportError] = field(default_factory=list)

    def error(self, row: int, field: str, reason: str | Text) -> None:
        """Note a row's problem; the import report reads in Chinese, as the console's."""
        text = reason.zh if isinstance(reason, Text) else reason
        self.errors.append(ChainImportError(row=row, field=field, reason=text))


def _terms(cell: str) -> list[str]:
    return [t.strip() for t in _SPLIT.split(cell or "") if t.strip()]


def _pydantic_errors(plan: _Plan, row: int, exc: ValidationError, prefix: str = "") -> None:
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()))
        plan.error(
            row, f"{prefix}{loc}" if loc else prefix.rstrip(".") or "row", validation_text(err)
        )


def read_csv(stream: IO[bytes]) -> _Plan:
    """Read a CSV chain map (one row per node)."""
    encoding = detect_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    plan = _Plan()
    try:
        reader = csv.reader(text)
        header = next(reader, None)
        if not header:
            raise ImportFileProblem(tr("the file is empty"))
        keys: list[str | None] = []
        unknown: list[str] = []
        for name in header:
            key = _HEADER_KEYS.get("".join(name.split()).casefold())
            keys.append(key)
            if key is None and name.strip():
                unknown.append(name)
        if unknown:
            raise ImportFileProblem(tr("unknown column(s): {names}", names=", ".join(unknown)))
        for needed in ("chain", "node"):
            if needed not in keys:
                raise ImportFileProblem(
                    tr(
                        "the header has no {column} ({header}) column",
                        column=needed,
                        header=CSV_COLUMNS[needed][1],
                    )
                )
        by_name: dict[str, ExportChain] = {}
        for row, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            values = {k: c.strip() for k, c in zip(keys, cells, strict=False) if k is not None}
            chain_name = values.get("chain", "")
            if not chain_name:
                plan.error(row, "chain", tr("required"))
                continue
            stage_text = values.get("stage", "") or "0"
            if not stage_text.isdigit():
                plan.error(row, "stage", tr("must be a whole number ≥ 0"))
                continue
            try:
                node = ExportNode(
                    name=values.get("node", ""),
                    stage=int(stage_text),
                    description=values.get("description", ""),
                    products=_terms(values.get("products", "")),
                    keywords=_terms(values.get("keywords", "")),
                )
            except ValidationError as exc:
                for err in exc.errors():
                    loc = str(err.get("loc", ("row",))[0])
                    plan.error(row, "node" if loc == "name" else loc, validation_text(err))
                continue
            chain = by_name.get(chain_name)
            if chain is None:
                try:
                    chain = ExportChain(name=chain_name)
                except ValidationError as exc:
                    _pydantic_errors(plan, row, exc, "chain.")
                    continue
                by_name[chain_name] = chain
                plan.chains.append(chain)
                plan.chain_rows[chain_name] = row
            if not chain.description and values.get("chain_description"):
                chain.description = values["chain_description"]
            if (chain_name, node.name) in plan.node_rows:
                first = plan.node_rows[(chain_name, node.name)]
                plan.error(
                    row,
                    "node",
                    tr("node {name} already given in row {row}", name=repr(node.name), row=first),
                )
                continue
            plan.node_rows[(chain_name, node.name)] = row
            chain.nodes.append(node)
            for source in _terms(values.get("inputs", "")):
                chain.edges.append(ExportEdge(input=source, output=node.name))
                plan.edge_rows[(chain_name, source, node.name)] = row
                plan.edge_fields[(chain_name, source, node.name)] = "inputs"
    except UnicodeDecodeError as exc:
        raise ImportFileProblem(
            tr("cannot decode the file as {encoding}", encoding=encoding)
        ) from exc
    finally:
        text.detach()
    return plan


def read_json(stream: IO[bytes]) -> _Plan:
    """Read a JSON chain map document (as ``GET /chains/export`` writes it)."""
    raw = stream.read()
    try:
        data: Any = json.loads(raw.decode(detect_encoding(io.BytesIO(raw))))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFileProblem(tr("not a JSON document: {problem}", problem=exc)) from exc
    plan = _Plan()
    try:
        doc = ChainMapDocument.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = list(err.get("loc", ()))
            row = (
                int(loc[1]) + 1
                if len(loc) > 1 and loc[0] == "chains" and isinstance(loc[1], int)
                else 0
            )
            plan.error(row, ".".join(str(p) for p in loc) or "file", validation_text(err))
        return plan
    for i, chain in enumerate(doc.chains):
        row = i + 1
        if chain.name in plan.chain_rows:
            plan.error(
                row, f"chains.{i}.name", tr("chain {name} appears twice", name=repr(chain.name))
            )
            continue
        plan.chain_rows[chain.name] = row
        plan.chains.append(chain)
        for j, node in enumerate(chain.nodes):
            if (chain.name, node.name) in plan.node_rows:
                plan.error(
                    row,
                    f"chains.{i}.nodes.{j}.name",
                    tr("node {name} appears twice", name=repr(node.name)),
                )
            plan.node_rows[(chain.name, node.name)] = row
        for j, edge in enumerate(chain.edges):
            plan.edge_rows[(chain.name, edge.input, edge.output)] = row
            plan.edge_fields[(chain.name, edge.input, edge.output)] = f"chains.{i}.edges.{j}"
    return plan


def _check(session: Session, plan: _Plan, replace: bool) -> dict[str, Chain]:
    """Edges: known nodes, no self-loop, no cycle (with the stored edges kept, unless replace)."""
    names = [c.name for c in plan.chains]
    existing = {
        c.name: c
        for c in session.scalars(
            select(Chain).where(Chain.name.in_(names)).options(selectinload(Chain.nodes))
        )
    }
    for chain in plan.chains:
        stored = existing.get(chain.name)
        nodes = {n.name for n in chain.nodes}
        kept_pairs: list[tuple[str, str]] = []
        if stored is not None and not replace:
            by_id = {n.id: n.name for n in stored.nodes}
            nodes |= set(by_id.values())
            kept_pairs = [
                (by_id[e.input_node_id], by_id[e.output_node_id])
                for e in service.edges_of(session, stored.id)
            ]
        index = {name: i for i, name in enumerate(sorted(nodes))}
        pairs = [(index[a], index[b]) for a, b in kept_pairs]
        for edge in chain.edges:
            key = (chain.name, edge.input, edge.output)
            row, where = plan.edge_rows[key], plan.edge_fields[key]
            if edge.input not in nodes:
                plan.error(
                    row,
                    where,
                    tr(
                        "no node {node} in chain {chain}",
                        node=repr(edge.input),
                        chain=repr(chain.name),
                    ),
                )
                continue
            if edge.output not in nodes:
                plan.error(
                    row,
                    where,
                    tr(
                        "no node {node} in chain {chain}",
                        node=repr(edge.output),
                        chain=repr(chain.name),
                    ),
                )
                continue
            if edge.input == edge.output:
                plan.error(
                    row, where, tr("node {name} cannot be its own input", name=repr(edge.input))
                )
                continue
            pair = (index[edge.input], index[edge.output])
            if pair in pairs:
                continue
            if service.would_cycle(pairs, pair):
                plan.error(
                    row,
                    where,
                    tr(
                        "{source} → {target} would make a cycle",
                        source=edge.input,
                        target=edge.output,
                    ),
                )
                continue
            pairs.append(pair)
    return existing


def run_import(
    session: Session,
    caller: Principal,
    stream: IO[bytes],
    filename: str,
    *,
    replace: bool = False,
    dry_run: bool = False,
) -> ChainImportSummary:
    """Read, check, then (if every row is good and not ``dry_run``) write the file's chains."""
    service.require_admin(caller)
    head = stream.read(64)
    stream.seek(0)
    name = filename.lower()
    is_json = name.endswith(".json") or (
        not name.endswith((".csv", ".txt")) and head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"{")
    )
    plan = read_json(stream) if is_json else read_csv(stream)
    existing = _check(session, plan, replace) if not plan.errors else {}
    summary = ChainImportSummary(
        written=False,
        chains_created=0,
        chains_updated=0,
        nodes_created=0,
        nodes_updated=0,
        edges_created=0,
        edges_removed=0,
        nodes_removed=0,
        errors=sorted(plan.errors, key=lambda e: (e.row, e.field)),
    )
    if plan.errors:
        return summary
    for data in plan.chains:
        _apply(session, data, existing.get(data.name), replace, summary)
    summary.written = not dry_run
    if summary.written:
        flush(session, "the chain map")
        audit.record(
            session,
            caller,
            "chain.import",
            "chain",
            None,
            chains=[c.name for c in plan.chains],
            replace=replace,
        )
    return summary


def _apply(
    session: Session,
    data: ExportChain,
    chain: Chain | None,
    replace: bool,
    summary: ChainImportSummary,
) -> None:
    if chain is None:
        chain = Chain(name=data.name, description=data.description)
        chain.nodes = []
        session.add(chain)
        session.flush()
        summary.chains_created += 1
    else:
        if data.description:
            chain.description = data.description
        chain.updated_at = utcnow()
        summary.chains_updated += 1
    by_name = {n.name: n for n in chain.nodes}
    wanted = {n.name for n in data.nodes}
    if replace:
        gone = [n for n in chain.nodes if n.name not in wanted]
        if gone:
            ids = [n.id for n in gone]
            session.execute(
                delete(ChainEdge).where(
                    ChainEdge.input_node_id.in_(ids) | ChainEdge.output_node_id.in_(ids)
                )
            )
            for n in gone:
                chain.nodes.remove(n)
                session.delete(n)
                del by_name[n.name]
            summary.nodes_removed += len(gone)
    for item in data.nodes:
        node = by_name.get(item.name)
        fields = {
            "stage": item.stage,
            "description": item.description,
            "products": list(dict.fromkeys(item.products)),
            "keywords": list(dict.fromkeys(item.keywords)),
        }
        if node is None:
            node = ChainNode(chain_id=chain.id, name=item.name, **fields)
            chain.nodes.append(node)
            session.add(node)
            by_name[item.name] = node
            summary.nodes_created += 1
        elif any(getattr(node, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(node, k, v)
            node.updated_at = utcnow()
            summary.nodes_updated += 1
    session.flush()
    stored = {(e.input_node_id, e.output_node_id): e for e in service.edges_of(session, chain.id)}
    listed = {(by_name[e.input].id, by_name[e.output].id) for e in data.edges}
    if replace:
        for pair, edge in stored.items():
            if pair not in listed:
                session.delete(edge)
                summary.edges_removed += 1
    for pair in sorted(listed - set(stored)):
        session.add(ChainEdge(chain_id=chain.id, input_node_id=pair[0], output_node_id=pair[1]))
        summary.edges_created += 1
    session.flush()


def export_csv(doc: ChainMapDocument) -> bytes:
    """The chain map as CSV (UTF-8 with BOM, one row per node, formulas neutralised)."""
    inputs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for chain in doc.chains:
        for edge in chain.edges:
            inputs[(chain.name, edge.output)].append(edge.input)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for chain in doc.chains:
        for i, node in enumerate(chain.nodes):
            row: list[str | int] = [
                chain.name,
                chain.description if i == 0 else "",
                node.name,
                node.stage,
                node.description,
                "；".join(node.products),
                "；".join(node.keywords),
                "；".join(inputs[(chain.name, node.name)]),
            ]
            writer.writerow(["" if c is None else neutralize(c) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
