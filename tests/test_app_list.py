"""The admin's app list (sidebar and index) is built once per kind of user, never stale."""

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
