import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_home_page_is_vietnamese_by_default(client):
    response = client.get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in content
    assert "Cổng Dịch vụ công" in content
    assert settings.PORTAL_HOTLINE in content


def test_language_switcher_turns_the_site_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    content = client.get("/").content.decode()
    assert '<html lang="en">' in content
    assert "Public Service Portal" in content
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert '<html lang="vi">' in client.get("/").content.decode()


def test_unknown_page_is_a_vietnamese_404_page(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_login_page_is_in_vietnamese(client):
    content = client.get("/accounts/login/").content.decode()
    assert "Đăng nhập" in content
    assert "Mật khẩu" in content


def test_static_css_is_served_by_the_app_itself(client):
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert b"--red" in b"".join(response.streaming_content)
    response.close()
    home = client.get("/").content.decode()
    assert "https://" not in home.split("<body>")[0]  # no CDN in <head>


def test_api_docs_are_served_without_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert "cdn." not in response.content.decode()


def test_every_card_on_the_home_page_leads_somewhere_useful(client):
    home = client.get("/").content.decode()
    links = re.findall(r'<h2><a href="([^"]+)"', home)
    assert len(links) == 4
    for link in links:
        response = client.get(link.replace("&amp;", "&"), follow=True)
        assert response.status_code == 200, link


def test_signup_link_on_the_login_page_keeps_where_the_citizen_was_going(client):
    page = client.get("/accounts/login/?next=/ho-so/nop/1.001193/").content.decode()
    assert "/accounts/signup/?next=/ho-so/nop/1.001193/" in page


def test_managers_see_the_statistics_link_and_citizens_do_not(client, manager, citizen):
    client.force_login(manager)
    assert 'href="/thong-ke/"' in client.get("/").content.decode()
    client.force_login(citizen)
    assert 'href="/thong-ke/"' not in client.get("/").content.decode()


def test_footer_links_to_public_statistics_and_feedback(client):
    home = client.get("/").content.decode()
    for path in ("/thong-ke/cong-khai/", "/phan-anh/", "/phan-anh/gui/"):
        assert f'href="{path}"' in home
        assert client.get(path).status_code == 200
