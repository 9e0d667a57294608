"""A mypy plugin that types references the way weavorm uses them at run time.

Enable it in ``pyproject.toml``::

    [tool.mypy]
    plugins = ["weavorm.mypy"]

What it adds (everything else is plain pydantic typing):

- A model instance (or a UUID) is accepted where a ``Ref[T]`` field is set, as
  validation converts it: ``Ticket(customer=customer)``, ``ticket.customer = customer``,
  ``Article(cites=[a, b])`` for ``Refs[Article]``.
- The fields of a reference's target are typed: with ``customer: Ref[Customer]``,
  ``ticket.customer.name`` is ``str`` (at run time it reads the loaded object, or
  raises :class:`~weavorm.errors.NotLoadedError`). ``.id``, ``.fetch()``, ``.obj`` and
  ``.loaded`` keep their own types.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.nodes import Decorator, FuncDef, OverloadedFuncDef, TypeInfo, Var
from mypy.plugin import AttributeContext, FunctionSigContext, Plugin
from mypy.typeops import bind_self, make_simplified_union
from mypy.types import (
    AnyType,
    CallableType,
    FunctionLike,
    Instance,
    ProperType,
    Type,
    TypeOfAny,
    UnionType,
    get_proper_type,
)

__all__ = ["WeavormPlugin", "plugin"]

_REF = "weavorm.odm.refs.Ref"
_MODEL = "weavorm.odm.model.Model"


def _is_model(info: TypeInfo) -> bool:
    return info.has_base(_MODEL) and info.fullname != _MODEL


def _widen(typ: Type, named: Callable[[str, list[Type]], Instance]) -> Type:
    """``Ref[X]`` -> ``Ref[X] | X | UUID`` (also inside unions and lists)."""
    proper = get_proper_type(typ)
    if isinstance(proper, Instance):
        if proper.type.fullname == _REF and proper.args:
            return make_simplified_union([proper, proper.args[0], named("uuid.UUID", [])])
        if proper.type.fullname == "builtins.list" and proper.args:
            inner = _widen(proper.args[0], named)
            if inner is not proper.args[0]:
                # A parameter: any sequence of targets, refs or ids will do.
                return named("typing.Sequence", [inner])
        return typ
    if isinstance(proper, UnionType):
        items = [_widen(item, named) for item in proper.items]
        if any(new is not old for new, old in zip(items, proper.items, strict=True)):
            return make_simplified_union(items)
    return typ


def _model_signature(ctx: FunctionSigContext) -> FunctionLike:
    sig = ctx.default_signature
    ret = get_proper_type(sig.ret_type)
    if not (isinstance(ret, Instance) and _is_model(ret.type)):
        return sig
    named = ctx.api.named_generic_type
    return sig.copy_modified(arg_types=[_widen(t, named) for t in sig.arg_types])


def _model_assignment(ctx: AttributeContext) -> Type:
    owner = ctx.type
    if not (ctx.is_lvalue and isinstance(owner, Instance) and _is_model(owner.type)):
        return ctx.default_attr_type
    return _widen(ctx.default_attr_type, ctx.api.named_generic_type)


def _member(target: Instance, name: str) -> Type | None:
    from mypy.expandtype import expand_type_by_instance
    from mypy.maptype import map_instance_to_supertype

    for base in target.type.mro:
        node = base.names.get(name)
        if node is None:
            continue
        mapped = map_instance_to_supertype(target, base)
        found = node.node
        if isinstance(found, Var) and found.type is not None:
            return expand_type_by_instance(found.type, mapped)
        if isinstance(found, Decorator) and found.var.type is not None:
            found = found.func
        if isinstance(found, OverloadedFuncDef | FuncDef) and found.type is not None:
            typ = get_proper_type(found.type)
            if isinstance(found, FuncDef) and found.is_property and isinstance(typ, CallableType):
                return expand_type_by_instance(typ.ret_type, mapped)
            if isinstance(typ, FunctionLike):
                return expand_type_by_instance(bind_self(typ, target), mapped)
        return None
    return None


def _target_attribute(ctx: AttributeContext, name: str) -> Type:
    ref = ctx.type
    if not (isinstance(ref, Instance) and ref.args) or ref.type.get(name) is not None:
        return ctx.default_attr_type  # Ref's own attributes: id, obj, loaded, collection
    target: ProperType = get_proper_type(ref.args[0])
    targets = target.items if isinstance(target, UnionType) else [target]
    found: list[Type] = []
    for item in targets:
        proper = get_proper_type(item)
        typ = _member(proper, name) if isinstance(proper, Instance) else None
        if typ is None:
            if isinstance(proper, Instance) and not proper.type.fallback_to_any:
                ctx.api.fail(
                    f'"{proper.type.name}" (the target of this Ref) has no attribute "{name}"',
                    ctx.context,
                )
            return ctx.default_attr_type
        found.append(typ)
    return make_simplified_union(found) if found else AnyType(TypeOfAny.special_form)


class WeavormPlugin(Plugin):
    """Types model constructors, assignments and reference attribute access."""

    def get_function_signature_hook(
        self, fullname: str
    ) -> Callable[[FunctionSigContext], FunctionLike] | None:
        """Widen ``Ref`` parameters of model constructors."""
        return _model_signature

    def get_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        """Type ``ref.<field>`` from the target model; widen ``Ref`` on assignment."""
        prefix = _REF + "."
        if fullname.startswith(prefix):
            name = fullname[len(prefix) :]
            return lambda ctx: _target_attribute(ctx, name)
        return _model_assignment


def plugin(version: str) -> type[Plugin]:
    """The mypy entry point."""
    return WeavormPlugin
