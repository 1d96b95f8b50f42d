"""Turn pydantic validation errors into located diagnostics with plain-language messages."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from tui.config.diagnostics import Diagnostic
from tui.config.yaml_reader import YamlDocument, YamlPath


def _message(err: dict[str, Any], model: type[BaseModel] | None) -> tuple[str, bool]:
    """A readable message for one pydantic error, and whether it points at a key."""
    kind = err["type"]
    loc = err["loc"]
    name = loc[-1] if loc else None
    if kind == "extra_forbidden":
        allowed = ""
        if model is not None:
            names = getattr(model, "field_display_order", None) or tuple(model.model_fields)
            allowed = f"; expected one of: {', '.join(names)}"
        return f"unknown field {name!r}{allowed}", True
    if kind == "missing":
        return f"missing required field {name!r}", False
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind.startswith(("string_type", "list_type", "dict_type", "float_type", "int_type", "model_type", "model_attributes_type", "tuple_type")):
        got = err.get("input")
        return f"{name}: {msg[0].lower() + msg[1:]} (got {type(got).__name__} {got!r})" if name is not None else msg, False
    prefix = f"{name}: " if isinstance(name, str) and not msg.lower().startswith(f"{name} ") else ""
    return f"{prefix}{msg[0].lower() + msg[1:]}" if msg else prefix + kind, False


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class whose field an error location ends in (for 'expected one of')."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return None
        ann = field.annotation
        inner = _first_model(ann)
        if inner is None:
            return None
        current = inner
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _first_model(ann: Any) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in getattr(ann, "__args__", ()) or ():
        found = _first_model(arg)
        if found is not None:
            return found
    return None


def validate_item(
    doc: YamlDocument, model: type[BaseModel], data: Any, path: YamlPath
) -> tuple[Any | None, list[Diagnostic]]:
    """Validate `data` (found at `path` in `doc`) as `model`; return (instance | None, diagnostics)."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        diags = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "tagged-union"))))
            message, at_key = _message(err, _model_at(model, loc) if loc else model)
            target = (*path, *loc)
            if err["type"] == "missing":
                target = (*path, *loc[:-1])
            raw = doc.raw_scalars.get(target)
            if raw is not None and "read as the number" in message:
                message = message.replace("write it in quotes", f"write it in quotes: '{raw}'")
                message = f"code {raw} " + message.removeprefix("code: ").removeprefix("code ")
            diags.append(doc.diag(target, message, key=at_key))
        return None, diags
