"""The admin's app list (sidebar and index) is built once per kind of user, never stale."""

import re

import pytest
from django.contrib.auth.models import Permission

pytestmark = pytest.mark.django_db

CONTACTS_LINK = 'href="/admin/contacts/contact/"'
TABLES_LINK = 'href="/admin/tables/"'


def staff(django_user_model, username, *codenames):
    user = django_user_model.objects.create_user(username, password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def index_page(client, user):
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_permission_given_shows_on_the_next_page(client, django_user_model):
    user = staff(django_user_model, "clerk")
    assert CONTACTS_LINK not in index_page(client, user)
    user.user_permissions.add(Permission.objects.get(codename="view_contact"))
    user = django_user_model.objects.get(pk=user.pk)  # a new request reads the user afresh
    assert CONTACTS_LINK in index_page(client, user)


def test_a_permission_taken_away_disappears_on_the_next_page(client, django_user_model):
    user = staff(django_user_model, "clerk", "view_contact")
    assert CONTACTS_LINK in index_page(client, user)
    user.user_permissions.clear()
    user = django_user_model.objects.get(pk=user.pk)
    assert CONTACTS_LINK not in index_page(client, user)


def test_each_kind_of_user_sees_its_own_list(client, django_user_model):
    admin_user = django_user_model.objects.create_superuser("boss", password="x")
    clerk = staff(django_user_model, "clerk", "view_contact")
    assert TABLES_LINK in index_page(client, admin_user)
    clerk_page = index_page(client, clerk)
    assert CONTACTS_LINK in clerk_page and TABLES_LINK not in clerk_page
    assert TABLES_LINK in index_page(client, admin_user)


# --- The sidebar: rendered once per kind of user and current section (base_site.html) ---

def sidebar(client, user, path):
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('<nav class="sticky" id="nav-sidebar"')
    return page[start:page.index("</nav>", start)]


def current_rows(html):
    return re.findall(r'<tr class="model-(\w+) current-model">', html)


def test_the_sidebar_marks_the_page_it_is_on_each_time(client, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", password="x")
    for path, model in [("/admin/auth/user/", "user"), ("/admin/auth/group/", "group"),
                        ("/admin/auth/user/add/", "user")]:
        html = sidebar(client, boss, path)
        assert current_rows(html) == [model], path
        assert html.count('aria-current="page"') == 1, path


def test_the_sidebar_is_each_kind_of_users_own(client, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", password="x")
    clerk = staff(django_user_model, "clerk", "view_user")
    assert TABLES_LINK in sidebar(client, boss, "/admin/auth/user/")
    clerk_sidebar = sidebar(client, clerk, "/admin/auth/user/")
    assert TABLES_LINK not in clerk_sidebar and 'href="/admin/auth/group/"' not in clerk_sidebar
    assert current_rows(clerk_sidebar) == ["user"]
    clerk.user_permissions.add(Permission.objects.get(codename="view_group"))
    clerk = django_user_model.objects.get(pk=clerk.pk)
    assert 'href="/admin/auth/group/"' in sidebar(client, clerk, "/admin/auth/user/")
