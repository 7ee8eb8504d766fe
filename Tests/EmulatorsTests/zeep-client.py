"""A WSDL-driven SOAP client (zeep), as a Thunderhead integrator would write one: it reads
the endpoint's address from the WSDL and calls getBatchStatus there.

Usage: python3 zeep-client.py WSDL_URL
Prints FAULT <message> when the call reached a JobAPI that answered with a fault (an unknown
batch), ANSWER <status> when it answered, UNREACHABLE <error> when the address was wrong."""
import sys

import requests
from zeep import Client
from zeep.exceptions import Fault

client = Client(sys.argv[1])
try:
    answer = client.service.getBatchStatus(batchId=424242)
    print("ANSWER", answer)
except Fault as fault:
    print("FAULT", fault.message)
except requests.exceptions.ConnectionError as error:
    print("UNREACHABLE", error)
