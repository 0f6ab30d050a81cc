"""The JSON API (django-ninja, OpenAPI 3 at /api/v1/openapi.json, docs at /api/v1/docs).

Every endpoint is the page's read or write through the same selectors, services and policies: a token (or the
browser's session) acts as its user with that user's roles, an object outside their scope answers 404 like a
missing one, writes are audited by the services with the token as their source. Errors come in one shape,
RFC 9457 problem details, with Vietnamese messages that name the field and never carry personal data.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import json
from typing import Annotated

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.urls import re_path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Query, Router, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import SimpleRateThrottle

from dangbo.audit.concurrency.services import StaleEdit
from dangbo.core import policies
from dangbo.core.dates import today
from dangbo.core.errors import ApplicationError, NotFound, PermissionDenied
from dangbo.core.middleware import changes_from
from dangbo.core.pagination import keyset_page
from dangbo.core.policies import subtree_q
from dangbo.meetings import services as meeting_services
from dangbo.meetings.models import Meeting
from dangbo.meetings.selectors import LABELS as ROLL_LABELS
from dangbo.members import filters as member_filters
from dangbo.members import selectors as member_selectors
from dangbo.members import services as member_services
from dangbo.members.history import services as member_lifecycle
from dangbo.members.history.forms import NEEDS_CELL
from dangbo.members.models import Member, MemberEvent
from dangbo.organizations import selectors as org_selectors
from dangbo.organizations.models import Organization, OrganizationLink
from dangbo.organizations.policies import top_organizations
from dangbo.organizations.tree.selectors import path_on, valid_on
from dangbo.reports import selectors as report_selectors
from dangbo.reports.forms import default_period
from dangbo.steering.documents import selectors as document_selectors
from dangbo.steering.models import Document, Task
from dangbo.steering.tasks import selectors as task_selectors

from . import schemas, selectors, services

PROBLEM_TYPE = "application/problem+json"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


# --- Authentication: a personal token, or the browser's session (the docs page) ----------------------------------


class ReadOnlyToken(HttpError):
    def __init__(self):
        super().__init__(403, "Khóa API này chỉ đọc: không thêm, sửa được dữ liệu.")


class TokenAuth(HttpBearer):
    """``Authorization: Bearer dbk_…`` — a live token of an active user; the request then acts as that user."""

    def authenticate(self, request, token):
        found = selectors.active_token(token)
        if found is None:
            return None
        if found.read_only and request.method not in SAFE_METHODS:
            raise ReadOnlyToken()
        services.token_touch(found)
        request.user = found.user
        request.api_token = found
        return found.user


class UserRate(SimpleRateThrottle):
    """At most ``DANGBO_API_RATE_LIMIT`` calls per user ("1000/h"; empty: no limit), counted in the cache that every
    app server shares (README «Cấu hình»)."""

    scope = "dangbo_user"

    def __init__(self):
        self.rate, self.num_requests, self.duration = None, None, None

    def get_cache_key(self, request):
        rate = settings.DANGBO_API_RATE_LIMIT
        if not rate:
            return None
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


def docs_access(view):
    """The docs page and the schema: for signed-in users, or a caller with a live token (to fetch the schema)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            kind, _, secret = request.headers.get("Authorization", "").partition(" ")
            if kind.lower() != "bearer" or selectors.active_token(secret.strip()) is None:
                return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _problem_on_refused_method(view):
    """ninja answers a method an operation does not take with a bare 405: answer it as a problem (the Allow
    header kept)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            return problem(405, f"Địa chỉ này không nhận phương thức {request.method[:10]}; các phương thức được "
                                f"nhận: {allowed}.", Allow=allowed)  # fmt: skip
        return response

    return wrapped


@csrf_exempt  # it writes nothing; a POST there is answered 404 like a GET, not refused for its CSRF token
def unknown_path(request, rest=""):
    """Any other address under /api/v1/: a problem, not the site's HTML page."""
    return problem(404, "Không có địa chỉ này trong API; xem danh sách các địa chỉ ở /api/v1/docs.")


class API(NinjaAPI):
    @property
    def urls(self):
        """ninja's URLs, each answering a refused method as a problem, then the answer for any other path."""
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            pattern.callback = _problem_on_refused_method(pattern.callback)
        return [*patterns, re_path(r"^(?P<rest>.*)$", unknown_path)], app_name, namespace

    def get_openapi_operation_id(self, operation) -> str:
        """ "member_list", not "dangbo_api_api_member_list": the names client generators give their methods."""
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """ninja's schema, with the problem answers every operation may give (RFC 9457)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        problem_schema = schemas.Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(problem_schema.pop("$defs", {}))
        components["Problem"] = problem_schema
        for item in schema.get("paths", {}).values():
            for method, operation in item.items():
                codes = [401, 403, 404, 422] + ([400, 409] if method in ("post", "patch", "put") else [])
                for code in codes:
                    operation.setdefault("responses", {}).setdefault(str(code), {
                        "description": TITLES[code][1],
                        "content": {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    })  # fmt: skip
        return schema

    def validation_error_from_error_contexts(self, error_contexts) -> ValidationError:
        """As ninja's, keeping whether the value was null (ninja drops the input: it may be personal data)."""
        errors = []
        for context in error_contexts:
            model = context.model
            for i in context.pydantic_validation_error.errors(include_url=False, include_context=True):
                i["loc"] = (model.__ninja_param_source__,) + model.__ninja_flatten_map_reverse__.get(
                    i["loc"], i["loc"]
                )
                i["null"] = i.pop("input", ...) is None
                i.get("ctx", {}).pop("error", None)
                errors.append(dict(i))
        return ValidationError(errors)


api = API(
    title="dangbo API",
    version="1",
    description=(
        "API của dangbo: cùng dữ liệu, cùng phạm vi, cùng quy tắc như các trang. Xác thực bằng khóa API cá nhân "
        "(`Authorization: Bearer dbk_…`, tạo ở trang «Khóa API» trong tài khoản) hoặc phiên đăng nhập của trình "
        "duyệt. Ngày theo ISO 8601 (yyyy-mm-dd). Lỗi theo RFC 9457 (application/problem+json)."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    throttle=[UserRate()],
    renderer=Renderer(),
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    docs_decorator=docs_access,
)


def actor(request):
    return request.auth


def _source(request) -> str:
    token = getattr(request, "api_token", None)
    return f"API, khóa «{token.name}» ({token.prefix}…)" if token else "API (phiên đăng nhập)"


# --- Problems (RFC 9457) -------------------------------------------------------------------------------------------

TITLES = {
    400: ("yeu-cau-khong-doc-duoc", "Yêu cầu không đọc được"),
    401: ("chua-xac-thuc", "Chưa xác thực"),
    403: ("khong-co-quyen", "Không có quyền"),
    404: ("khong-tim-thay", "Không tìm thấy"),
    405: ("phuong-thuc-khong-duoc-nhan", "Phương thức không được nhận"),
    409: ("xung-dot-phien-ban", "Dữ liệu đã thay đổi"),
    422: ("du-lieu-khong-hop-le", "Dữ liệu không hợp lệ"),
    429: ("qua-nhieu-yeu-cau", "Quá nhiều yêu cầu"),
}


def problem(status: int, detail: str, errors: list[dict] | None = None, **headers) -> HttpResponse:
    slug, title = TITLES.get(status, ("loi", "Lỗi"))
    body = {"type": f"urn:dangbo:problem:{slug}", "title": title, "status": status, "detail": detail,
            "errors": errors or []}  # fmt: skip
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_TYPE)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


# Labels of the fields that are not a member record's (those are read from the model).
LABELS = {
    "cursor": "Con trỏ trang", "limit": "Số dòng mỗi trang", "on": "Ngày", "since": "Sinh hoạt tại chi bộ từ ngày",
    "from_external": "Chuyển đến từ (ngoài hệ thống)", "expected_version": "Phiên bản đã đọc",
    "from_date": "Từ ngày", "to_date": "Đến ngày", "body": "Nội dung yêu cầu",
    "org_pk": "Mã tổ chức", "member_pk": "Mã đảng viên", "meeting_pk": "Mã buổi sinh hoạt",
    "document_pk": "Mã văn bản", "task_pk": "Mã nhiệm vụ", "year": "Năm", "q": "Tìm kiếm",
    "organization": "Tổ chức", "attendance": "Điểm danh", "rows": "Điểm danh",
}  # fmt: skip
FILTER_LABELS = {name: str(f.label) for name, f in member_filters.MemberFilter.base_filters.items()}


def label_of(name: str, *, record: bool = False) -> str:
    """The Vietnamese label of a field: a member record's (``record``: a body field) or a parameter's."""
    base = name.split(".")[0]
    if record:
        try:
            return str(Member._meta.get_field(base).verbose_name).capitalize()
        except Exception:  # noqa: BLE001 - not a record field: a parameter's label below
            pass
    if base in LABELS:
        return LABELS[base]
    if base in FILTER_LABELS:
        return FILTER_LABELS[base]
    try:
        return str(Member._meta.get_field(base).verbose_name).capitalize()
    except Exception:  # noqa: BLE001 - any other name is shown as it is
        return base


def _message(error: dict) -> str:
    """Vietnamese text of one pydantic error (never the input value: it may be personal data)."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing" or error.get("null"):
        return "không được để trống."
    if kind == "extra_forbidden":
        return "trường này không có trong API (không được nhận)."
    if kind.startswith(("date_", "datetime_")):
        return "ngày không hợp lệ, cần có dạng yyyy-mm-dd và là ngày có thật."
    if kind.startswith("int_"):
        return "phải là số nguyên."
    if kind.startswith(("float_", "decimal_")):
        return "phải là số."
    if kind.startswith("bool_"):
        return "phải là true hoặc false."
    if kind in ("string_type", "string_unicode"):
        return "phải là một chuỗi chữ."
    if kind == "string_too_long":
        return f"dài quá {ctx.get('max_length')} ký tự."
    if kind == "string_too_short":
        return "không được để trống."
    if kind == "greater_than_equal":
        return f"phải từ {ctx.get('ge')} trở lên."
    if kind == "less_than_equal":
        return f"không được lớn hơn {ctx.get('le')}."
    if kind in ("literal_error", "enum"):
        return (
            "giá trị không được nhận; các giá trị được nhận: "
            + str(ctx.get("expected", "")).replace(" or ", " hoặc ")
            + "."
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "phải là một đối tượng JSON."
    if kind == "list_type":
        return "phải là một danh sách."
    return "giá trị không hợp lệ."


def _field_of(loc) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else ["body"]
    elif parts and parts[0] in ("query", "path", "header", "cookie"):
        parts = parts[1:]
    # Literal | None unions add the member type to the location ("gender.literal['nam','nu']"): drop it.
    parts = [p for p in parts if not p.startswith(("literal[", "function-", "constrained-")) and p not in (
        "str", "int", "date", "bool", "none", "datetime", "float")]  # fmt: skip
    return ".".join(parts) or "body"


def validation_problem(
    errors: list[dict], detail: str = "Dữ liệu gửi lên không hợp lệ, xin xem từng trường."
) -> HttpResponse:
    seen, out = set(), []
    for error in errors:
        field = _field_of(error.get("loc", ()))
        if field in seen:  # a union reports each member's failure: one message per field is enough
            continue
        seen.add(field)
        record = bool(error.get("loc")) and error["loc"][0] == "body"
        out.append({"field": field, "message": f"{label_of(field, record=record)}: {_message(error)}"})
    return problem(422, detail, out)


def _field_errors(error: ApplicationError) -> list[dict]:
    return [{"field": name, "message": message} for name, message in error.field_errors.items()]


@api.exception_handler(ValidationError)
def _validation(request, exc):
    return validation_problem(exc.errors)


@api.exception_handler(StaleEdit)
def _stale(request, exc):
    errors = [{"field": name, "message": f"{label_of(name, record=True)}: đã được sửa sau khi bạn đọc hồ sơ."}
              for name in exc.changed]  # fmt: skip
    return problem(409, exc.message, errors)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return problem(403, exc.message, _field_errors(exc))


@api.exception_handler(ApplicationError)
def _application(request, exc):
    return problem(422, exc.message, _field_errors(exc))


@api.exception_handler(NotFound)
@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(404, "Không có đối tượng này, hoặc nó nằm ngoài phạm vi của bạn.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem(401, "Cần khóa API hợp lệ (Authorization: Bearer …): khóa không có, sai, đã hết hạn hoặc đã bị "
                        "thu hồi.", WWW_Authenticate='Bearer realm="dangbo"')  # fmt: skip


@api.exception_handler(HttpError)
def _http_error(request, exc):
    if exc.status_code == 400:
        return problem(400, "Nội dung yêu cầu không phải JSON hợp lệ.",
                       [{"field": "body", "message": "Nội dung yêu cầu: không phải JSON hợp lệ."}])  # fmt: skip
    if exc.status_code == 403 and "CSRF" in str(exc):
        return problem(403, "Thiếu mã chống giả mạo (CSRF) của phiên đăng nhập: gửi kèm tiêu đề X-CSRFToken, "
                            "hoặc dùng khóa API.")  # fmt: skip
    if exc.status_code == 429:
        wait = max(1, round(getattr(exc, "wait", None) or 1))
        return problem(
            429,
            f"Quá nhiều yêu cầu trong thời gian ngắn: xin thử lại sau {wait} giây.",
            Retry_After=str(wait),
        )
    message = (
        str(exc) if isinstance(exc, ReadOnlyToken) else TITLES.get(exc.status_code, ("", "Lỗi"))[1] + "."
    )
    return problem(exc.status_code, message)


# --- Cursors: opaque to the caller, the id of the last row of the page inside ----------------------------------


def encode_cursor(pk: int | None) -> str | None:
    if pk is None:
        return None
    return base64.urlsafe_b64encode(f"v1:{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, _, pk = text.partition(":")
        if version != "v1" or not pk.isdigit() or int(pk) > schemas.MAX_ID:
            raise ValueError
        return int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApplicationError(
            "Con trỏ trang không hợp lệ.",
            field_errors={"cursor": "Con trỏ trang: không hợp lệ; dùng đúng next_cursor của trang trước."},
        ) from None


def _size(limit: int | None) -> int:
    return min(limit or settings.DANGBO_PAGE_SIZE, schemas.PAGE_MAX)


def _page(queryset, *, sort_field: str, cursor: str | None, limit: int | None):
    page = keyset_page(
        queryset, sort_field=sort_field, after=decode_cursor(cursor), before=None, size=_size(limit)
    )
    return page.rows, encode_cursor(page.next_after)


def _scoped_org(request, pk) -> Organization:
    return policies.get_scoped_or_404(actor(request), policies.VIEW, Organization.objects.all(), pk=pk)


def _ref(org) -> dict:
    return {"id": org.pk, "name": org.name}


# --- Organizations -------------------------------------------------------------------------------------------------

orgs = Router(tags=["Tổ chức đảng"])


def _org_out(o: Organization) -> dict:
    return {"id": o.pk, "name": o.name, "short_name": o.short_name, "code": o.code, "kind": o.kind,
            "kind_label": o.get_kind_display(), "parent_id": o.parent_id, "depth": o.depth,
            "founding_date": o.founding_date, "end_date": o.end_date, "official_count": o.official_count,
            "probationary_count": o.probationary_count}  # fmt: skip


@orgs.get("/organizations", response=schemas.page_of(schemas.Organization), url_name="organization_list",
          summary="Các tổ chức trong phạm vi, theo thứ tự cây")  # fmt: skip
def organization_list(request, paging: Query[schemas.Paging]):
    rows, cursor = _page(policies.scope(actor(request), policies.VIEW, Organization.objects.all()), sort_field="path",
                         cursor=paging.cursor, limit=paging.limit)  # fmt: skip
    return {"items": [_org_out(o) for o in rows], "next_cursor": cursor}


@orgs.get("/organizations/{org_pk}", response=schemas.Organization, url_name="organization_detail",
          summary="Một tổ chức")  # fmt: skip
def organization_detail(request, org_pk: schemas.Id):
    return _org_out(org_selectors.organization_detail(actor(request), org_pk))


def _node(o: Organization, parent_id=None) -> dict:
    return {"id": o.pk, "name": o.name, "code": o.code, "kind": o.kind, "depth": o.depth,
            "parent_id": parent_id if parent_id is not None else o.parent_id,
            "has_children": getattr(o, "has_children", None)}  # fmt: skip


@orgs.get("/organizations/{org_pk}/children", response=list[schemas.TreeNode], url_name="organization_children",
          summary="Các tổ chức trực thuộc (hôm nay, hoặc tại ngày `on`)")  # fmt: skip
def organization_children(request, org_pk: schemas.Id, on: schemas.Date | None = None):
    org = _scoped_org(request, org_pk)
    return [_node(o, org.pk) for o in org_selectors.tree_children(actor(request), org, on=on)]


@orgs.get("/organizations/{org_pk}/tree", response=schemas.page_of(schemas.TreeNode),
          url_name="organization_tree",
    description="Cây dưới tổ chức `org_pk` như tại ngày `on` (mặc định hôm nay): tên và cấp trên của ngày đó, chỉ những tổ chức đã có lúc đó và người gọi được xem.", summary="Cây tổ chức dưới một tổ chức tại một ngày (theo thứ tự cây)")  # fmt: skip
def organization_tree(
    request, org_pk: schemas.Id, paging: Query[schemas.Paging], on: schemas.Date | None = None
):
    """The subtree of ``org_pk`` as it was on ``on`` (default today): names and parents of that date, only the
    organizations that existed then and that the caller may see."""
    org = _scoped_org(request, org_pk)
    on = on or today()
    path = path_on(org, on)
    if path is None:
        raise ApplicationError(
            "Tổ chức chưa thành lập hoặc đã kết thúc tại ngày này.",
            field_errors={"on": f"Ngày: tổ chức không có trong cây tại ngày {on:%d/%m/%Y}."},
        )
    scoped = policies.scope(actor(request), policies.VIEW, Organization.objects.all())
    links = (OrganizationLink.objects.filter(valid_on(on), subtree_q(path, "path"))
             .filter(organization__in=scoped).select_related("organization"))  # fmt: skip
    rows, cursor = _page(links, sort_field="path", cursor=paging.cursor, limit=paging.limit)
    items = [{"id": link.organization_id, "name": link.name or link.organization.name, "code": link.organization.code,
              "kind": link.organization.kind, "parent_id": link.parent_id, "depth": link.path.count(".") - 1}
             for link in rows]  # fmt: skip
    return {"items": items, "next_cursor": cursor}


# --- Members -------------------------------------------------------------------------------------------------------

members = Router(tags=["Đảng viên"])


def _member_item(m: Member) -> dict:
    return {"id": m.pk, "full_name": m.full_name, "gender": m.gender, "birth_date": m.birth_date,
            "ethnicity": m.ethnicity, "status": m.status, "status_label": m.get_status_display(),
            "joined_date": m.joined_date, "official_date": m.official_date, "political_theory": m.political_theory,
            "organization": {"id": m.organization_id, "name": m.organization.name}}  # fmt: skip


DETAIL_FIELDS = [name for name in schemas.MemberDetail.model_fields if name not in schemas.MemberItem.model_fields
                 and name != "version"]  # fmt: skip


def _member_detail(request, m: Member) -> dict:
    # The member page shows the citizen ID, address and phone to whoever may see the record, and records that
    # it did (Luật Bảo vệ dữ liệu cá nhân): so does the API.
    member_services.record_personal_data_view(actor=actor(request), member=m)
    out = _member_item(m)
    out.update({name: getattr(m, name) for name in DETAIL_FIELDS})
    out["version"] = member_services.MEMBER_VERSION.of(m)
    return out


@members.get("/members", response=schemas.MemberPage, url_name="member_list",
             summary="Danh sách đảng viên, cùng bộ lọc và tìm kiếm với trang Đảng viên")  # fmt: skip
def member_list(request, query: Query[schemas.MemberQuery]):
    given = query.dict()
    params = {name: str(given[name]) for name in member_filters.MemberFilter.base_filters
              if given.get(name) not in (None, "")}  # fmt: skip
    if "organization" in params:  # an organization outside the scope is missing, as on every page
        _scoped_org(request, params["organization"])
    after = decode_cursor(query.cursor)
    if after is not None:
        params["sau"] = str(after)
    flt, page, total, cap = member_selectors.member_list(actor=actor(request), params=params,
                                                         page_size=_size(query.limit))  # fmt: skip
    if flt.is_bound and not flt.is_valid():
        errors = [
            {"field": name, "message": f"{label_of(name)}: giá trị không được nhận."} for name in flt.errors
        ]
        return problem(422, "Bộ lọc không hợp lệ.", errors)
    return {"items": [_member_item(m) for m in page.rows], "next_cursor": encode_cursor(page.next_after),
            "total": min(total, cap), "total_capped": total > cap, "total_cap": cap}  # fmt: skip


@members.get("/members/{member_pk}", response=schemas.MemberDetail, url_name="member_detail",
             summary="Hồ sơ một đảng viên (như trang hồ sơ)")  # fmt: skip
def member_detail(request, member_pk: schemas.Id):
    m = policies.get_scoped_or_404(actor(request), policies.VIEW, Member.objects.select_related("organization"),
                                   pk=member_pk)  # fmt: skip
    return _member_detail(request, m)


def _record_data(payload, *, required=()) -> dict:
    """The payload as the service's ``data``: only the fields sent; null for a text field is empty text; null
    for a field that cannot be empty is an error naming it."""
    data = payload.model_dump(exclude_unset=True)
    errors = {}
    for name, value in list(data.items()):
        if value is not None:
            continue
        try:
            field = Member._meta.get_field(name)
        except Exception:  # noqa: BLE001 - not a record field (since, from_external): None is "not given"
            data.pop(name)
            continue
        if field.null:
            continue
        if field.blank and (not field.choices or "" in dict(field.flatchoices)):
            data[name] = ""
        else:
            errors[name] = f"{label_of(name, record=True)}: không được để trống."
    if errors:
        raise ApplicationError("Dữ liệu gửi lên không hợp lệ, xin xem từng trường.", field_errors=errors)
    return data


@members.post("/members", response={201: schemas.MemberDetail}, url_name="member_create",
              summary="Thêm đảng viên (như trang «Thêm đảng viên»)")  # fmt: skip
def member_create(request, payload: schemas.MemberCreate):
    data = _record_data(payload)
    cells = policies.scope(actor(request), "place_members", Organization.objects.all())
    cell = cells.filter(pk=data.get("organization")).first()
    if cell is None:
        raise ApplicationError("Chi bộ không hợp lệ.", field_errors={
            "organization": "Chi bộ: không có chi bộ này trong phạm vi bạn được thêm đảng viên."})  # fmt: skip
    data["organization"] = cell
    since, from_external = data.pop("since", None), data.pop("from_external", None) or ""
    with changes_from(_source(request)):
        m = member_services.member_create(
            actor=actor(request), data=data, since=since, from_external=from_external
        )
    m = Member.objects.select_related("organization").get(pk=m.pk)
    return Status(201, _member_detail(request, m))


@members.patch("/members/{member_pk}", response=schemas.MemberDetail, url_name="member_update",
               summary="Sửa hồ sơ đảng viên; `expected_version` chống ghi đè")  # fmt: skip
def member_update(request, member_pk: schemas.Id, payload: schemas.MemberUpdate):
    m = policies.get_scoped_or_404(actor(request), policies.CHANGE, Member.objects.all(), pk=member_pk)
    data = _record_data(payload)
    expected = data.pop("expected_version")
    with changes_from(_source(request)):
        member_services.member_update(actor=actor(request), member=m, data=data, expected_version=expected)
    m = Member.objects.select_related("organization").get(pk=m.pk)
    return _member_detail(request, m)


def _event_out(e: MemberEvent) -> dict:
    return {"id": e.pk, "kind": e.kind, "kind_label": e.get_kind_display(), "date": e.date,
            "organization": _ref(e.organization) if e.organization_id else None, "decision_no": e.decision_no,
            "decision_date": e.decision_date, "decision_level": e.decision_level, "decision_issuer": e.decision_issuer,
            "discipline_form": e.discipline_form, "discipline_year": e.discipline_year, "transfer_id": e.transfer_id,
            "note": e.note}  # fmt: skip


@members.get("/members/{member_pk}/events", response=list[schemas.MemberEventOut], url_name="member_event_list",
    description="Mọi sự kiện (nhập hồ sơ, kết nạp, chính thức, chuyển sinh hoạt, miễn, kỷ luật…) theo thứ tự ngày, kèm quyết định.",
             summary="Lịch sử của một đảng viên: các sự kiện theo thứ tự ngày (như trang hồ sơ)")  # fmt: skip
def member_event_list(request, member_pk: schemas.Id):
    m = policies.get_scoped_or_404(actor(request), policies.VIEW, Member.objects.all(), pk=member_pk)
    events = m.events.select_related("organization").order_by("date", "id")
    return [_event_out(e) for e in events]


@members.post("/members/{member_pk}/events", response={201: schemas.MemberEventRecorded},
              url_name="member_event_create",
    description="Lịch sử được dựng lại với sự kiện mới: sự kiện mâu thuẫn với lịch sử (công nhận chính thức trước khi kết nạp, chuyển nội bộ khi đang đi nơi khác…) hoặc quyết định của cấp không đủ thẩm quyền bị từ chối (422, nêu trường). Chỉ khóa được ghi; đảng viên mà người gọi không được sửa hồ sơ: 404.",
              summary="Ghi một sự kiện vào lịch sử đảng viên (như trang «Ghi sự kiện»: cùng quy tắc thứ tự và thẩm "
                      "quyền)")  # fmt: skip
def member_event_create(request, member_pk: schemas.Id, payload: schemas.MemberEventCreate):
    """The history is replayed with the new event: an event that contradicts it (recognition before admission,
    a move while away…) or a decision by a level without the power is refused with 422, naming the field."""
    m = policies.get_scoped_or_404(actor(request), policies.CHANGE, Member.objects.all(), pk=member_pk)
    data = payload.model_dump()
    if data["organization"] is not None:
        cell = policies.scope(
            actor(request), policies.VIEW, Organization.objects.filter(pk=data["organization"])
        )
        data["organization"] = cell.first()
        if data["organization"] is None:
            raise ApplicationError("Chi bộ không hợp lệ.", field_errors={
                "organization": "Chi bộ: không có chi bộ này trong phạm vi của bạn."})  # fmt: skip
    if data["kind"] in NEEDS_CELL and data["organization"] is None:
        raise ApplicationError("Chưa ghi được sự kiện, xin xem các trường được đánh dấu.",
                               field_errors={"organization": "Chi bộ: sự kiện này cần chọn chi bộ."})  # fmt: skip
    with changes_from(_source(request)):
        event = member_lifecycle.event_record(actor=actor(request), member=m, **data)
    m.refresh_from_db(fields=["status"])
    event = MemberEvent.objects.select_related("organization").get(pk=event.pk)
    warnings = list(getattr(event, "warnings", ()))
    return Status(201, {**_event_out(event), "warnings": warnings, "member_status": m.status})


# --- Meetings ------------------------------------------------------------------------------------------------------

meetings = Router(tags=["Sinh hoạt chi bộ"])


def _meeting_out(m) -> dict:
    return {"id": m.pk, "organization": _ref(m.organization), "kind": m.kind, "kind_label": m.get_kind_display(),
            "state": m.state, "topic": m.topic, "planned_at": m.planned_at, "place": m.place,
            "base_count": m.base_count, "present_count": m.present_count, "unexcused_count": m.unexcused_count}  # fmt: skip


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@meetings.get("/meetings", response=schemas.page_of(schemas.Meeting), url_name="meeting_list",
              summary="Các buổi sinh hoạt của một tổ chức (cả cây dưới nó) trong một khoảng ngày")  # fmt: skip
def meeting_list(request, paging: Query[schemas.Paging], organization: schemas.Id | None = None,
                 from_date: schemas.Date | None = None, to_date: schemas.Date | None = None):  # fmt: skip
    qs = policies.scope(actor(request), policies.VIEW, Meeting.objects.all()).select_related("organization")
    if organization is not None:
        qs = qs.filter(subtree_q(_scoped_org(request, organization).path, "org_path"))
    if from_date:
        qs = qs.filter(planned_at__gte=_day_start(from_date))
    if to_date:
        qs = qs.filter(planned_at__lt=_day_start(to_date + dt.timedelta(days=1)))
    rows, cursor = _page(qs, sort_field="planned_at", cursor=paging.cursor, limit=paging.limit)
    return {"items": [_meeting_out(m) for m in rows], "next_cursor": cursor}


def _meeting_or_404(request, meeting_pk: int) -> Meeting:
    """A meeting the caller may see (the Meeting policy), or 404 as for a missing one."""
    return policies.get_scoped_or_404(actor(request), policies.VIEW, Meeting.objects.select_related("organization"),
                                      pk=meeting_pk)  # fmt: skip


@meetings.get("/meetings/{meeting_pk}", response=schemas.MeetingDetail, url_name="meeting_detail",
              summary="Một buổi sinh hoạt và điểm danh")  # fmt: skip
def meeting_detail(request, meeting_pk: schemas.Id):
    m = _meeting_or_404(request, meeting_pk)
    rows = m.attendance.select_related("member").order_by("member__name_sort", "member_id")
    return {**_meeting_out(m), "agenda": m.agenda, "resolution": m.resolution,
            "attendance": [{"member_id": a.member_id, "full_name": a.member.full_name, "presence": a.presence,
                            "presence_label": a.get_presence_display(), "reason": a.reason} for a in rows],
            "attendance_version": meeting_services.ATTENDANCE_VERSION.of(m)}  # fmt: skip


@meetings.get("/meetings/{meeting_pk}/attendance", response=schemas.RollCall, url_name="meeting_roll",
    description="Đảng viên sinh hoạt tại chi bộ vào ngày họp (như trang «Điểm danh»); lệnh điểm danh gửi đúng các dòng có `counted`.",
              summary="Danh sách điểm danh của buổi sinh hoạt: ai phải dự ngày họp, đã điểm danh thế nào")  # fmt: skip
def meeting_roll(request, meeting_pk: schemas.Id):
    """The members on the cell's roll on the meeting's day (as the page «Điểm danh» lists them): the rows a roll
    call sends are those with ``counted``."""
    m = _meeting_or_404(request, meeting_pk)
    saved = {a.member_id: (a.presence, a.reason) for a in m.attendance.all()}
    rows = [{"member_id": e.member.pk, "full_name": e.member.full_name, "category": e.category,
             "category_label": ROLL_LABELS[e.category], "counted": e.counted,
             "presence": saved.get(e.member.pk, (None, ""))[0], "reason": saved.get(e.member.pk, (None, ""))[1]}
            for e in meeting_services.roll_of(m).values()]  # fmt: skip
    return {"meeting_id": m.pk, "attendance_version": meeting_services.ATTENDANCE_VERSION.of(m), "rows": rows}


@meetings.put("/meetings/{meeting_pk}/attendance", response=schemas.MeetingDetail, url_name="meeting_attendance",
    description="Một dòng cho mỗi đảng viên phải dự (người được miễn hoặc đang sinh hoạt tạm thời nơi khác không điểm danh); chỉ điểm danh khi buổi sinh hoạt đã bắt đầu. Ai đã điểm danh sau khi đọc `attendance_version` thì lần ghi này bị từ chối (409), không ghi gì; lỗi của một dòng nêu `rows.<số thứ tự>`.",
              summary="Điểm danh buổi sinh hoạt (như trang «Điểm danh»): cả danh sách một lần; `expected_version` "
                      "chống ghi đè")  # fmt: skip
def meeting_attendance(request, meeting_pk: schemas.Id, payload: schemas.AttendanceWrite):
    """One row for every member on the cell's roll that day (those exempted or away temporarily are not part of
    it); the meeting must have started. A roll call saved by someone else since ``attendance_version`` was read is
    refused (409), nothing written."""
    _meeting_or_404(request, meeting_pk)
    index: dict[int, int] = {}
    rows: dict[int, tuple[str, str]] = {}
    for i, row in enumerate(payload.rows):
        if row.member_id in index:
            raise ApplicationError("Điểm danh chưa hợp lệ.", field_errors={
                f"rows.{i}.member_id": f"Mã đảng viên: trùng với dòng {index[row.member_id]}."})  # fmt: skip
        index[row.member_id] = i
        rows[row.member_id] = (row.presence, row.reason)
    try:
        with changes_from(_source(request)):
            meeting_services.attendance_record(actor=actor(request), meeting=meeting_pk, rows=rows,
                                               expected_version=payload.expected_version)  # fmt: skip
    except ApplicationError as error:
        if isinstance(error, StaleEdit | PermissionDenied | NotFound):
            raise
        named = {}
        for key, message in error.field_errors.items():
            pk = int(key[1:]) if key.startswith("m") and key[1:].isdigit() else None
            field = f"rows.{index[pk]}" if pk in index else ("rows" if pk is not None else key)
            named[field] = message if field not in named else f"{named[field]} {message}"
        raise ApplicationError(error.message, field_errors=named) from None
    return meeting_detail(request, meeting_pk)


# --- Directing work: documents and tasks (read) -------------------------------------------------------------------

steering = Router(tags=["Lãnh đạo, chỉ đạo"])


def _document_out(d) -> dict:
    return {"id": d.pk, "symbol": d.symbol, "direction": d.direction, "doc_type": d.doc_type.name if d.doc_type_id else "",
            "register_organization": _ref(d.register), "issuer_name": d.issuer_name, "issued_date": d.issued_date,
            "received_date": d.received_date, "summary": d.summary, "signer": d.signer}  # fmt: skip


@steering.get("/documents", response=schemas.page_of(schemas.Document), url_name="document_list",
    description="`organization`: các văn bản trong sổ văn bản của tổ chức đó.",
              summary="Sổ văn bản trong phạm vi (tìm như trang Văn bản)")  # fmt: skip
def document_list(request, paging: Query[schemas.Paging], q: Annotated[str, Field(max_length=200)] | None = None,
                  organization: schemas.Id | None = None):  # fmt: skip
    """``organization``: the documents of that organization's register."""
    qs = document_selectors.search(policies.scope(actor(request), policies.VIEW, Document.objects.all()), q)
    if organization is not None:
        qs = qs.filter(register=_scoped_org(request, organization))
    qs = qs.select_related("register", "doc_type")
    rows, cursor = _page(qs, sort_field="issued_date", cursor=paging.cursor, limit=paging.limit)
    return {"items": [_document_out(d) for d in rows], "next_cursor": cursor}


@steering.get("/documents/{document_pk}", response=schemas.Document, url_name="document_detail",
              summary="Một văn bản")  # fmt: skip
def document_detail(request, document_pk: schemas.Id):
    qs = policies.scope(actor(request), policies.VIEW, Document.objects.all()).select_related(
        "register", "doc_type"
    )
    return _document_out(policies.get_scoped_or_404(actor(request), policies.VIEW, qs, pk=document_pk))


def _task_out(t) -> dict:
    return {"id": t.pk, "title": t.title, "organization": _ref(t.organization), "document_id": t.document_id,
            "report_kind": t.report_kind, "assigned_date": t.assigned_date, "deadline": t.deadline,
            "closed_date": t.closed_date}  # fmt: skip


@steering.get("/tasks", response=schemas.page_of(schemas.Task), url_name="task_list",
              summary="Nhiệm vụ giao và được giao trong phạm vi")  # fmt: skip
def task_list(request, paging: Query[schemas.Paging], organization: schemas.Id | None = None):
    qs = policies.scope(actor(request), policies.VIEW, Task.objects.all()).select_related("organization")
    if organization is not None:
        qs = qs.filter(organization=_scoped_org(request, organization))
    rows, cursor = _page(qs, sort_field="assigned_date", cursor=paging.cursor, limit=paging.limit)
    return {"items": [_task_out(t) for t in rows], "next_cursor": cursor}


@steering.get("/tasks/{task_pk}", response=schemas.TaskDetail, url_name="task_detail",
              summary="Một nhiệm vụ và báo cáo của các tổ chức (những tổ chức trong phạm vi)")  # fmt: skip
def task_detail(request, task_pk: schemas.Id):
    qs = policies.scope(actor(request), policies.VIEW, Task.objects.all()).select_related("organization")
    task = policies.get_scoped_or_404(actor(request), policies.VIEW, qs, pk=task_pk)
    on = today()
    rows = policies.scope(actor(request), policies.VIEW, task.assignments.all()).select_related("organization").order_by(
        "organization__path", "id")  # fmt: skip
    assignments = [{"organization": _ref(a.organization), "reported_at": a.reported_at,
                    "state": task_selectors.state_of(a, task, on)[1], "session_date": a.session_date,
                    "member_total": a.member_total, "attended": a.attended,
                    "figure": float(a.figure) if a.figure is not None else None} for a in rows]  # fmt: skip
    return {**_task_out(task), "instructions": task.instructions, "assignments": assignments}


# --- Reports -------------------------------------------------------------------------------------------------------

reports = Router(tags=["Báo cáo"])


@reports.get("/reports/headcount", response=schemas.Headcount, url_name="report_headcount",
    description="`organization`: mặc định tổ chức đầu tiên trong phạm vi của người gọi (như trang Báo cáo).",
             summary="Số lượng, cơ cấu đảng viên của một tổ chức tại một ngày (như trang Báo cáo)")  # fmt: skip
def report_headcount(request, organization: schemas.Id | None = None, on: schemas.Date | None = None):
    """``organization``: default the first of the caller's top organizations (as the report page)."""
    if organization is None:
        top = Organization.objects.filter(pk__in=top_organizations(actor(request))).order_by("path").first()
        if top is None:
            raise Http404
        organization = top.pk
    org = _scoped_org(request, organization)
    on = on or today()
    section = report_selectors.headcount(actor(request), org, on, on)
    return {"organization": _ref(org), "on": on, "figures": section.figures, "rows": section.rows}


@reports.get("/reports/movement", response=schemas.Movement, url_name="report_movement",
    description="Đầu kỳ, cuối kỳ, tăng và giảm theo từng loại (kết nạp, chuyển đến, chuyển đi, từ trần, xóa tên…). `organization`: mặc định tổ chức đầu tiên trong phạm vi của người gọi; kỳ mặc định: nửa năm hiện tại đến hôm nay (như trang).",
             summary="Biến động đảng viên của một tổ chức trong một kỳ (như trang «Biến động đảng viên»)")  # fmt: skip
def report_movement(request, organization: schemas.Id | None = None, from_date: schemas.Date | None = None,
                    to_date: schemas.Date | None = None):  # fmt: skip
    """Opening and closing headcount, increases and decreases by kind. ``organization``: default the first of the
    caller's top organizations; the period: default the current half-year up to today (as the page)."""
    if organization is None:
        top = Organization.objects.filter(pk__in=top_organizations(actor(request))).order_by("path").first()
        if top is None:
            raise Http404
        organization = top.pk
    org = _scoped_org(request, organization)
    start, end = default_period(today())
    start, end = from_date or start, to_date or end
    errors = {name: f"{LABELS[name]}: không được sau ngày hôm nay." for name, day in
              (("from_date", start), ("to_date", end)) if day > today()}  # fmt: skip
    if start > end and "to_date" not in errors:
        errors["to_date"] = "Đến ngày: không được trước «Từ ngày»."
    if errors:
        raise ApplicationError("Kỳ báo cáo không hợp lệ.", field_errors=errors)
    section = report_selectors.movement(actor(request), org, start, end)
    return {"organization": _ref(org), "from_date": start, "to_date": end, "figures": section.figures,
            "rows": section.rows}  # fmt: skip


for router in (orgs, members, meetings, steering, reports):
    api.add_router("", router)
