from tests.factories import ApiClient


async def test_create_and_get_link(api: ApiClient) -> None:
    store = await api.create_store()
    link = await store.create_link()
    response = await store.get(f"/v1/payment-links/{link['id']}")
    assert response.status_code == 200
    assert response.json()["url"] == f"http://checkout.test/pay/{link['id']}"
