from __future__ import annotations

import base64
import datetime

from cryptography import x509

from pinniped.api.groups import ConciergeGroups
from pinniped.certs.dynamic import DynamicKeyPair
from pinniped.controllers.apiservice_updater import APIServiceUpdater, concierge_apiservice_names
from pinniped.controllers.serving_cert import ServingCertController, ServingCertSettings
from tests.controllers.kube_fakes import FakeClock, FakeInformer, FakeKube

SECRETS = "/api/v1/namespaces/concierge/secrets"
SECRET = f"{SECRETS}/pinniped-concierge-api-tls-serving-certificate"
APISERVICES = "/apis/apiregistration.k8s.io/v1/apiservices"
SETTINGS = ServingCertSettings(namespace="concierge", extra_hosts=("localhost", "127.0.0.1"))


class World:
    def __init__(self) -> None:
        self.kube = FakeKube()
        self.secrets = FakeInformer()
        self.kube.watch(SECRETS, self.secrets)
        self.clock = FakeClock(datetime.datetime.now(datetime.UTC))
        self.key_pair = DynamicKeyPair()
        self.controller = ServingCertController(
            self.kube, self.secrets, self.key_pair, SETTINGS, clock=self.clock
        )

    def data(self, key: str) -> bytes:
        return base64.b64decode(self.kube.objects[SECRET]["data"][key])

    def leaf(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.data("tlsCertificateChain"))


async def test_missing_secret_is_created_with_a_new_ca_and_serving_cert() -> None:
    world = World()
    await world.controller.sync()
    assert set(world.kube.objects[SECRET]["data"]) == {
        "caCertificate",
        "tlsPrivateKey",
        "tlsCertificateChain",
    }
    ca = x509.load_pem_x509_certificate(world.data("caCertificate"))
    assert ca.subject.rfc4514_string() == "CN=Pinniped CA"
    leaf = world.leaf()
    assert leaf.issuer == ca.subject
    sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == [
        "pinniped-concierge-api.concierge.svc",
        "pinniped-concierge-api.concierge.svc.cluster.local",
        "localhost",
    ]
    assert [str(ip) for ip in sans.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]


async def test_secret_feeds_the_live_key_pair() -> None:
    world = World()
    await world.controller.sync()
    assert world.key_pair.current is not None
    assert world.key_pair.current.cert_pem == world.data("tlsCertificateChain")
    assert world.key_pair.current.key_pem == world.data("tlsPrivateKey")


async def test_fresh_certificate_is_kept() -> None:
    world = World()
    await world.controller.sync()
    world.clock.advance(days=24)
    await world.controller.sync()
    assert SECRET in world.kube.objects
    assert ("delete", SECRET) not in world.kube.calls


async def test_certificate_due_for_renewal_is_rotated_with_a_new_ca() -> None:
    world = World()
    await world.controller.sync()
    old_ca = world.data("caCertificate")
    old_pair = world.key_pair.current
    world.clock.advance(days=25)
    await world.controller.sync()
    assert SECRET not in world.kube.objects
    await world.controller.sync()
    assert world.data("caCertificate") != old_ca
    assert world.key_pair.current not in (None, old_pair)


async def test_unparseable_certificate_is_replaced() -> None:
    world = World()
    await world.controller.sync()
    secret = world.kube.objects[SECRET]
    garbage = base64.b64encode(b"not a certificate").decode()
    await world.kube.put(SECRET, {**secret, "data": {**secret["data"], "tlsCertificateChain": garbage}})
    await world.controller.sync()
    assert SECRET not in world.kube.objects


async def test_apiservice_ca_bundle_follows_the_secret() -> None:
    world = World()
    names = concierge_apiservice_names(ConciergeGroups())
    assert names == [
        "v1alpha1.login.concierge.pinniped.dev",
        "v1alpha1.identity.concierge.pinniped.dev",
    ]
    for name in names:
        await world.kube.put(f"{APISERVICES}/{name}", {"metadata": {"name": name}, "spec": {}})
    updater = APIServiceUpdater(world.kube, world.secrets, "concierge", SETTINGS.secret_name, names)
    await world.controller.sync()
    await updater.sync()
    ca = world.kube.objects[SECRET]["data"]["caCertificate"]
    for name in names:
        assert world.kube.objects[f"{APISERVICES}/{name}"]["spec"]["caBundle"] == ca
    patches = len(world.kube.patches)
    await updater.sync()
    assert len(world.kube.patches) == patches


async def test_missing_apiservice_is_not_created() -> None:
    world = World()
    updater = APIServiceUpdater(
        world.kube, world.secrets, "concierge", SETTINGS.secret_name, ["v1alpha1.nope.example"]
    )
    await world.controller.sync()
    await updater.sync()
    assert not any(path.startswith(APISERVICES) for path in world.kube.objects)
    assert ("create", APISERVICES) not in world.kube.calls
