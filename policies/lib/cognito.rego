# Helpers for the Cognito rules (COG-xxx).
package lib.cognito

import data.lib.cdktf

audience_tag := "user-pool-audience"

# Staff pools get the strictest controls; a pool that does not say it is the patient pool
# is treated as a staff pool.
staff_pools contains pool if {
	some pool in cdktf.resources("aws_cognito_user_pool")
	cdktf.tag(pool.values, audience_tag) != "patients"
}

totp_enabled(pool) if {
	some t in cdktf.blocks(object.get(pool.values, "software_token_mfa_configuration", null))
	t.enabled == true
}

advanced_security_enforced(pool) if {
	some a in cdktf.blocks(object.get(pool.values, "user_pool_add_ons", null))
	a.advanced_security_mode == "ENFORCED"
}
