"""Ids the contract (CONTRACT.md section 3) promises; the tests' own source of truth.

Copied from the contract, not read from data/, so removing or renaming a contract id in the
knowledge base fails the tests.
"""

CONTRACT = {
    "regions": "head face neck upper_back low_back shoulder elbow wrist_hand hip knee ankle_foot "
    "widespread",
    "radiation": "arm_above_elbow arm_to_hand buttock_thigh below_knee foot occiput none",
    "descriptors": "aching burning shooting electric stabbing throbbing tingling numbness cold "
    "itching stiffness allodynia cramping",
    "symptoms": "allodynia hyperalgesia temperature_asymmetry skin_color_change edema "
    "sweating_asymmetry decreased_range_of_motion motor_weakness tremor dystonia trophic_changes "
    "fatigue unrefreshing_sleep cognitive_symptoms",
    "special_tests": "straight_leg_raise crossed_slr femoral_stretch spurling faber fadir "
    "distraction thigh_thrust compression gaenslen sacral_thrust facet_loading hoffmann tinel "
    "phalen",
    "screens": "peg dn4 paindetect phq2 phq9 gad7 ort start_back wpi sss odi ndi hit6 csi",
    "comorbidities": "ckd gerd peptic_ulcer gi_bleed cardiovascular_disease heart_failure "
    "hypertension diabetes liver_disease anticoagulated bleeding_disorder sleep_apnea "
    "substance_use_disorder depression anxiety migraine osteoporosis cancer_history "
    "immunosuppressed fall_risk cognitive_impairment alcohol_use",
}
RED_FLAGS = [
    "saddle_anesthesia",
    "bladder_dysfunction",
    "bowel_dysfunction",
    "progressive_weakness",
    "bilateral_neuro_deficit",
    "fever",
    "iv_drug_use",
    "immunosuppression",
    "cancer_history",
    "unexplained_weight_loss",
    "night_pain",
    "major_trauma",
    "osteoporotic_fracture_risk",
    "age_over_50_new_pain",
    "thunderclap_headache",
    "headache_neuro_deficit",
    "headache_pattern_change",
    "jaw_claudication",
    "myelopathy_signs",
]
KEY_MUSCLES = {
    "elbow_flexion": "C5",
    "wrist_extension": "C6",
    "elbow_extension": "C7",
    "finger_flexion": "C8",
    "finger_abduction": "T1",
    "hip_flexion": "L2",
    "knee_extension": "L3",
    "ankle_dorsiflexion": "L4",
    "great_toe_extension": "L5",
    "ankle_plantarflexion": "S1",
}
REFLEXES = {
    "biceps": "C5",
    "brachioradialis": "C6",
    "triceps": "C7",
    "patellar": "L4",
    "medial_hamstring": "L5",
    "achilles": "S1",
}
DERMATOMES = (
    [f"C{i}" for i in range(2, 9)]
    + [f"T{i}" for i in range(1, 13)]
    + [f"L{i}" for i in range(1, 6)]
    + [f"S{i}" for i in range(1, 6)]
)
DIFFERENTIAL = [
    "lumbar_radiculopathy",
    "cervical_radiculopathy",
    "lumbar_facet_pain",
    "cervical_facet_pain",
    "discogenic_pain",
    "sacroiliac_joint_pain",
    "hip_joint_pathology",
    "myofascial_pain",
    "lumbar_spinal_stenosis",
    "knee_osteoarthritis",
    "peripheral_neuropathy",
    "nerve_entrapment",
    "occipital_neuralgia",
    "cervicogenic_headache",
    "migraine",
    "chronic_migraine",
    "fibromyalgia",
    "crps",
    "postherpetic_neuralgia",
    "tendinopathy",
    "persistent_spinal_pain_after_surgery",
    "cauda_equina_syndrome",
    "spinal_infection",
    "spinal_malignancy",
    "vertebral_fracture",
]
TRACK_ITEMS = {
    "rehabilitation": "physical_therapy core_stabilization nerve_glides hip_hinge_training "
    "graded_activity walking_program stationary_cycling postural_retraining ergonomic_review "
    "scapular_stabilization home_exercise_program unloader_brace si_belt graded_motor_imagery "
    "desensitization balance_training load_management cervical_mobility",
    "medication": "oral_nsaid topical_nsaid acetaminophen gabapentin pregabalin duloxetine "
    "nortriptyline cyclobenzaprine tizanidine lidocaine_patch capsaicin_topical "
    "oral_steroid_taper opioid_short_course migraine_preventive magnesium riboflavin "
    "ppi_gastroprotection naloxone opioid_taper_plan",
    "interventional": "transforaminal_esi interlaminar_esi medial_branch_block "
    "radiofrequency_ablation genicular_rfa si_joint_injection trigger_point_injection "
    "occipital_nerve_block intra_articular_steroid hyaluronic_acid prp_injection "
    "sympathetic_block spinal_cord_stimulator_trial onabotulinumtoxina peripheral_nerve_block",
    "behavioral": "sleep_hygiene cbt pain_coping_skills mindfulness pain_education "
    "behavioral_health_referral pain_diary headache_diary",
    "coordination": "emergency_referral urgent_mri surgical_consult endocrinology primary_care "
    "neurology psychology rheumatology pharmacy",
}
DRUGS = [
    "ibuprofen",
    "naproxen",
    "meloxicam",
    "celecoxib",
    "diclofenac",
    "amitriptyline",
    "oxycodone",
    "hydrocodone",
    "hydrocodone_acetaminophen",
    "oxycodone_acetaminophen",
    "morphine",
    "hydromorphone",
    "oxymorphone",
    "codeine",
    "tramadol",
    "tapentadol",
    "methadone",
    "fentanyl_patch",
    "buprenorphine",
    "alprazolam",
    "lorazepam",
    "clonazepam",
    "diazepam",
    "zolpidem",
    "prednisone",
    "warfarin",
    "apixaban",
    "rivaroxaban",
    "clopidogrel",
    "aspirin",
    "sertraline",
    "fluoxetine",
    "ciprofloxacin",
    "fluvoxamine",
    "metformin",
    "insulin",
]
ALERTS = [
    "opioid_benzodiazepine",
    "opioid_gabapentinoid",
    "mme_over_50",
    "mme_over_90",
    "acetaminophen_max_dose",
    "serotonin_syndrome_risk",
    "tizanidine_cyp1a2_inhibitor",
    "anticoagulant_procedure_hold",
    "sedative_stacking",
    "steroid_glucose_rise",
    "nsaid_kidney",
    "nsaid_gi_bleed",
    "nsaid_cardiac",
    "nsaid_anticoagulant",
    "beers_anticholinergic",
    "renal_dose_adjustment",
]
AVOID_CLASSES = [
    "oral_nsaid",
    "long_term_opioid",
    "benzodiazepine",
    "sedative_stacking",
    "interventional_procedures",
    "systemic_agents_in_pregnancy",
]
INSTRUMENTS_REQUIRED = ["peg", "dn4", "phq9", "gad7", "ort", "start_back", "wpi", "sss"]
