"""The GitLab stage: rollout plans where they live. Issue references and URLs become issues read
through GitLab's REST API (python-gitlab), each a `Source` whose `issue` holds the attributes
GitLab keeps beside the description; findings become one note per issue and a label."""
